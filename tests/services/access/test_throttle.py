"""The brake on guessing passwords, on both back-ends: five tries of a name, or twenty from one
address, within fifteen minutes, then a wait that says how long; a success clears its name;
the wait ends as the oldest try ages out."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from clearline.clock import FixedClock
from clearline.model.errors import ClearlineError, ErrorKind
from clearline.services.access import throttle
from clearline.store.writer import run_now


def tries(engine: Engine, clock: FixedClock, name: str, address: str = "10.0.0.1") -> None:
    run_now(engine, lambda c: throttle.attempt(c, name, address, clock.now()))


def refused(
    engine: Engine, clock: FixedClock, name: str, address: str = "10.0.0.1"
) -> ClearlineError:
    with pytest.raises(ClearlineError) as caught:
        tries(engine, clock, name, address)
    assert caught.value.kind is ErrorKind.THROTTLED
    return caught.value


def test_a_name_waits_after_five_tries_until_the_oldest_ages_out(
    engine: Engine, clock: FixedClock
) -> None:
    for _ in range(throttle.PER_NAME):
        tries(engine, clock, "il-duty-officer")
        clock.advance(60)
    wait = refused(engine, clock, "il-duty-officer")
    assert wait.field == "name"
    assert wait.retry_after_s == 15 * 60 - 5 * 60
    assert f"try again in {wait.retry_after_s} s" in wait.reason
    clock.advance(wait.retry_after_s - 1)
    refused(engine, clock, "il-duty-officer")
    clock.advance(1)
    tries(engine, clock, "il-duty-officer")


def test_a_refused_try_does_not_lengthen_the_wait(engine: Engine, clock: FixedClock) -> None:
    for _ in range(throttle.PER_NAME):
        tries(engine, clock, "tr-duty-officer")
    first = refused(engine, clock, "tr-duty-officer").retry_after_s
    clock.advance(300)
    assert refused(engine, clock, "tr-duty-officer").retry_after_s == (first or 0) - 300


def test_an_unknown_name_is_throttled_like_a_real_one(engine: Engine, clock: FixedClock) -> None:
    for _ in range(throttle.PER_NAME):
        tries(engine, clock, "nobody-at-all")
    assert refused(engine, clock, "nobody-at-all").field == "name"


def test_one_address_spraying_many_names_waits_too(engine: Engine, clock: FixedClock) -> None:
    for n in range(throttle.PER_ADDRESS):
        tries(engine, clock, f"guess-{n}", "192.0.2.7")
    wait = refused(engine, clock, "il-duty-officer", "192.0.2.7")
    assert wait.field == "address"
    tries(engine, clock, "il-duty-officer", "192.0.2.8")


def test_a_success_clears_its_name_and_no_other(engine: Engine, clock: FixedClock) -> None:
    for _ in range(throttle.PER_NAME - 1):
        tries(engine, clock, "il-duty-officer")
        tries(engine, clock, "tr-duty-officer")
    run_now(engine, lambda c: throttle.succeeded(c, "il-duty-officer"))
    for _ in range(throttle.PER_NAME):
        tries(engine, clock, "il-duty-officer")
    tries(engine, clock, "tr-duty-officer")
    refused(engine, clock, "tr-duty-officer")
