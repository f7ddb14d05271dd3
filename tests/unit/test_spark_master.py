"""A standalone Spark master that nobody answers at is refused at once, in one line (Spark
itself retries for about a minute and ends with a Java stack trace)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from overdue.errors import InputError
from overdue.portfolio.spark import check_master


@pytest.fixture
def listening() -> Iterator[int]:
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield server.getsockname()[1]


@pytest.fixture
def closed() -> int:
    with socket.create_server(("127.0.0.1", 0)) as server:
        return int(server.getsockname()[1])  # nothing listens there once closed


def test_a_master_that_refuses_is_named_with_its_address_and_the_reason(closed: int) -> None:
    started = time.perf_counter()
    with pytest.raises(InputError) as err:
        check_master(f"spark://127.0.0.1:{closed}", "--spark-master")
    assert time.perf_counter() - started < 2
    assert err.value.field == "--spark-master"
    assert err.value.message.startswith(
        f"no Spark master answers at spark://127.0.0.1:{closed} (127.0.0.1:{closed}: "
        "Connection refused)"
    )
    assert "\n" not in str(err.value)


def test_a_master_that_answers_passes_and_so_does_one_standby_host(
    listening: int, closed: int
) -> None:
    check_master(f"spark://127.0.0.1:{listening}")
    check_master(f"spark://127.0.0.1:{closed},127.0.0.1:{listening}")


def test_a_port_that_is_not_a_number_and_an_unknown_host_are_named() -> None:
    for url, problem in (
        ("spark://127.0.0.1:70x7", "no port number"),
        ("spark://127.0.0.1:+7077", "no port number"),
        ("spark://127.0.0.1:7077/", "no port number"),  # (Spark refuses the slash too)
        ("spark://:7077", "no host"),
        ("spark://::1:7077", "no host (an IPv6 address goes in brackets"),
        ("spark://[::1:7077", "no host"),
    ):
        with pytest.raises(InputError) as err:
            check_master(url)
        assert f"({url.removeprefix('spark://')}: {problem}" in err.value.message, url
    with pytest.raises(InputError) as err:
        check_master("spark://no-such-host.invalid:7077")
    assert err.value.message.startswith(
        "no Spark master answers at spark://no-such-host.invalid:7077 (no-such-host.invalid:7077: "
    )
    # Spark refuses a standalone master URL without a port, so this check does too
    for url in ("spark://127.0.0.1", "spark://[::1]"):
        with pytest.raises(InputError) as err:
            check_master(url)
        host = url.removeprefix("spark://")
        assert f"({host}: no port number (host:port, e.g. host:7077))" in err.value.message


def test_an_ipv6_master_is_reached_without_its_brackets() -> None:
    with socket.create_server(("::1", 0), family=socket.AF_INET6) as server:
        check_master(f"spark://[::1]:{server.getsockname()[1]}")


@pytest.mark.parametrize("master", [None, "local[*]", "local[2]", "yarn", "k8s://https://x:1"])
def test_other_masters_are_left_to_spark(master: str | None) -> None:
    check_master(master)
