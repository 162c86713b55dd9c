"""A second factor, on both back-ends: a person enrols a TOTP secret and confirms it with a
code; from then on a sign-in needs a code of the current step (one either side, for a clock a
little off), each code taken once; a liaison officer takes a lost phone's away; and where the
protocol says so, a liaison officer without one may not sign in."""

from __future__ import annotations

import pyotp
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from clearline import demo
from clearline.clock import FixedClock
from clearline.model.errors import ClearlineError, ErrorKind
from clearline.model.protocol import Protocol
from clearline.model.user import User
from clearline.services.access import second_factor
from clearline.store import agreements as agreement_store
from clearline.store import users as user_store
from clearline.store.writer import run_now


def enrolled(engine: Engine, clock: FixedClock, user: User) -> pyotp.TOTP:
    found = run_now(engine, lambda c: second_factor.begin(c, user))
    totp = pyotp.TOTP(found.secret)
    assert found.uri.startswith("otpauth://totp/Clearline:") and found.secret in found.uri
    code = totp.at(clock.now())
    changed = run_now(engine, lambda c: second_factor.confirm(c, user, code, clock.now()))
    assert changed.second_factor
    return totp


def checked(engine: Engine, clock: FixedClock, user: User, code: str | None) -> None:
    run_now(engine, lambda c: second_factor.check(c, user, code, clock.now()))


def refusal(engine: Engine, clock: FixedClock, user: User, code: str | None) -> ClearlineError:
    with pytest.raises(ClearlineError) as caught:
        checked(engine, clock, user, code)
    assert caught.value.field == "code"
    return caught.value


def test_a_code_of_now_signs_in_once_and_a_step_either_side_is_taken(
    engine: Engine, clock: FixedClock, users: dict[str, User]
) -> None:
    user = users["il-duty-officer"]
    totp = enrolled(engine, clock, user)
    assert refusal(engine, clock, user, totp.at(clock.now())).kind is ErrorKind.UNAUTHENTICATED
    clock.advance(30)
    checked(engine, clock, user, totp.at(clock.now(), counter_offset=1))
    assert "used already" in refusal(engine, clock, user, totp.at(clock.now())).reason
    clock.advance(90)
    checked(engine, clock, user, totp.at(clock.now(), counter_offset=-1))
    assert refusal(engine, clock, user, None).reason.startswith("a code from your authenticator")
    clock.advance(60)
    assert refusal(engine, clock, user, totp.at(clock.now(), counter_offset=2))


def test_without_a_second_factor_the_password_alone_signs_in(
    engine: Engine, clock: FixedClock, users: dict[str, User]
) -> None:
    checked(engine, clock, users["il-duty-officer"], None)


def test_a_wrong_code_does_not_confirm_and_a_second_enrolment_waits_for_removal(
    engine: Engine, clock: FixedClock, users: dict[str, User]
) -> None:
    user = users["tr-watch-commander"]
    run_now(engine, lambda c: second_factor.begin(c, user))
    with pytest.raises(ClearlineError) as wrong:
        run_now(engine, lambda c: second_factor.confirm(c, user, "000000", clock.now()))
    assert (wrong.value.kind, wrong.value.field) == (ErrorKind.INVALID, "code")
    enrolled(engine, clock, user)
    with pytest.raises(ClearlineError) as again:
        run_now(engine, lambda c: second_factor.begin(c, user))
    assert again.value.kind is ErrorKind.CONFLICT


def test_a_liaison_officer_removes_a_lost_phone_of_its_own_party_only(
    engine: Engine, clock: FixedClock, users: dict[str, User]
) -> None:
    user = users["il-duty-officer"]
    enrolled(engine, clock, user)
    with pytest.raises(ClearlineError) as stranger:
        run_now(
            engine,
            lambda c: second_factor.remove(c, users["tr-liaison-officer"], user.name, clock.now()),
        )
    assert stranger.value.kind is ErrorKind.NOT_FOUND
    with pytest.raises(ClearlineError) as itself:
        run_now(engine, lambda c: second_factor.remove(c, user, user.name, clock.now()))
    assert itself.value.kind is ErrorKind.FORBIDDEN
    liaison = users["il-liaison-officer"]
    run_now(engine, lambda c: second_factor.remove(c, liaison, user.name, clock.now()))
    checked(engine, clock, user, None)
    held = run_now(engine, lambda c: user_store.second_factor_of(c, user.id))
    assert held == (None, None, None)


def test_a_system_account_has_no_second_factor(engine: Engine, users: dict[str, User]) -> None:
    with pytest.raises(ClearlineError) as caught:
        run_now(engine, lambda c: second_factor.begin(c, users["il-system"]))
    assert caught.value.field == "role"


def test_where_the_protocol_wants_one_a_liaison_officer_without_one_is_refused(
    engine: Engine, clock: FixedClock, users: dict[str, User]
) -> None:
    def require(connection: sa.Connection) -> None:
        wanted = Protocol(version=2, second_factor_for_liaison=True)
        agreement_store.insert_protocol(connection, demo.AGREEMENT_ID, wanted, clock.now())

    run_now(engine, require)
    liaison = users["il-liaison-officer"]
    assert refusal(engine, clock, liaison, None).kind is ErrorKind.FORBIDDEN
    checked(engine, clock, users["il-duty-officer"], None)
    totp = enrolled(engine, clock, liaison)
    clock.advance(30)
    checked(engine, clock, liaison, totp.at(clock.now()))
