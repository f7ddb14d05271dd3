"""Hypothesis profiles: ``make test`` (and so CI) runs the ``ci`` profile, whose examples are
derived from each test's name — the same inputs on every run, so a red build is reproducible.
Running pytest directly explores new random examples each time."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
