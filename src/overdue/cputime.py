"""CPU time by step, measured inside a run: where a batch's time goes, for its benchmark.

A :class:`CpuTally` adds up ``time.process_time()`` (this process, all its threads) around
named steps. Worker processes hand their tallies back with their results; the caller sums them.
A clock read costs well under a microsecond, so steps of a millisecond and more are timed
without changing what is measured.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

__all__ = ["CpuTally", "summed"]


class CpuTally:
    """CPU seconds by step name, since creation or the last :meth:`take`."""

    def __init__(self) -> None:
        self._seconds: defaultdict[str, float] = defaultdict(float)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        start = time.process_time()
        try:
            yield
        finally:
            self._seconds[name] += time.process_time() - start

    def take(self) -> dict[str, float]:
        """The seconds so far by step, and start again from zero."""
        out = dict(self._seconds)
        self._seconds.clear()
        return out


def summed(tallies: Iterable[Mapping[str, float]]) -> dict[str, float]:
    """Several tallies (:meth:`CpuTally.take`) added step by step."""
    total: defaultdict[str, float] = defaultdict(float)
    for tally in tallies:
        for step, seconds in tally.items():
            total[step] += seconds
    return dict(total)
