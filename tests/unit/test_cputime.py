"""CPU time by step: what the litigation benchmark reads to say where a build's time goes."""

from __future__ import annotations

import time

import pytest

from overdue.cputime import CpuTally, summed


def _spin(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_a_step_counts_the_cpu_it_used_not_the_time_it_waited() -> None:
    tally = CpuTally()
    with tally.step("work"):
        _spin(0.05)
    with tally.step("wait"):
        time.sleep(0.1)
    with tally.step("work"):
        _spin(0.05)
    seconds = tally.take()
    assert set(seconds) == {"work", "wait"}
    assert 0.1 <= seconds["work"] < 0.5
    assert seconds["wait"] < 0.05


def _failing_step(tally: CpuTally) -> None:
    with tally.step("fails"):
        _spin(0.02)
        raise LookupError("stop")


def test_take_starts_again_from_zero_and_a_failing_step_still_counts() -> None:
    tally = CpuTally()
    with pytest.raises(LookupError, match="stop"):
        _failing_step(tally)
    assert tally.take()["fails"] >= 0.02
    assert tally.take() == {}


def test_summed_adds_step_by_step() -> None:
    assert summed([{"a": 1.0, "b": 0.5}, {"a": 0.25}, {}]) == {"a": 1.25, "b": 0.5}
    assert summed([]) == {}
