"""The console's sign-in, on both back-ends: a name and an argon2-checked password give an
HttpOnly, SameSite=Strict, Secure session cookie that every endpoint and the stream accept;
a wrong password and an unknown name get the same refusal, and five of them a wait; signing
out deletes the session; the user's language is remembered."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pyotp
import pytest
import sqlalchemy as sa

from clearline.clock import FixedClock
from clearline.model.errors import ClearlineError
from clearline.services.access import accounts, throttle
from clearline.store.writer import run_now
from tests.conftest import Line

PASSWORD = "tiyas-palmyra-7"


@pytest.fixture
def signed_up(line: Line, engine: sa.Engine) -> Line:
    run_now(engine, lambda c: accounts.set_password(c, "il-duty-officer", PASSWORD))
    return line


def sign_in(line: Line, name: str = "il-duty-officer", password: str = PASSWORD) -> str:
    answer = line.client.post("/v1/session", json={"name": name, "password": password})
    assert answer.status_code == 200, answer.text
    cookie = SimpleCookie(answer.headers["set-cookie"])["clearline_session"]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "strict"
    return cookie.value


def as_signed_in(token: str) -> dict[str, str]:
    return {"Cookie": f"clearline_session={token}"}


def test_signing_in_gives_a_cookie_every_endpoint_accepts(signed_up: Line) -> None:
    token = sign_in(signed_up)
    me = signed_up.client.get("/v1/me", headers=as_signed_in(token))
    assert me.status_code == 200 and me.json()["user"]["name"] == "il-duty-officer"
    inbox = signed_up.client.get("/v1/messages", headers=as_signed_in(token))
    assert inbox.status_code == 200


def test_the_stream_accepts_the_cookie(signed_up: Line) -> None:
    token = sign_in(signed_up)
    with signed_up.client.websocket_connect("/v1/stream", headers=as_signed_in(token)) as ws:
        ws.send_text("{}")  # not a track batch: the stream answers with an error frame
        assert ws.receive_json()["type"] == "error"


@pytest.mark.parametrize("name, password", [("il-duty-officer", "wrong-guess"), ("nobody", "x")])
def test_a_wrong_password_and_an_unknown_name_are_refused_alike(
    signed_up: Line, name: str, password: str
) -> None:
    answer = signed_up.client.post("/v1/session", json={"name": name, "password": password})
    assert answer.status_code == 401
    assert answer.json()["field"] == "password"
    assert answer.json()["reason"] == "wrong name or password"
    assert "set-cookie" not in answer.headers


def test_after_five_failures_even_the_right_password_waits(
    signed_up: Line, clock: FixedClock
) -> None:
    for _ in range(throttle.PER_NAME):
        wrong = {"name": "il-duty-officer", "password": "wrong-guess"}
        assert signed_up.client.post("/v1/session", json=wrong).status_code == 401
    right = {"name": "il-duty-officer", "password": PASSWORD}
    answer = signed_up.client.post("/v1/session", json=right)
    assert answer.status_code == 429
    assert answer.headers["retry-after"] == str(15 * 60)
    assert answer.json() == {
        "error": "throttled",
        "field": "name",
        "reason": "too many failed sign-ins from this name; try again in 900 s",
        "retry_after_s": 900,
    }
    assert "set-cookie" not in answer.headers
    clock.advance(15 * 60)
    assert sign_in(signed_up)
    for _ in range(throttle.PER_NAME - 1):
        wrong = {"name": "il-duty-officer", "password": "wrong-guess"}
        assert signed_up.client.post("/v1/session", json=wrong).status_code == 401
    assert sign_in(signed_up), "a success cleared the earlier failures"


def test_with_a_second_factor_the_sign_in_takes_a_code_too(
    signed_up: Line, clock: FixedClock
) -> None:
    officer = {"Authorization": f"Bearer {signed_up.tokens['IL']['duty_officer']}"}
    started = signed_up.client.post("/v1/me/second-factor", headers=officer)
    assert started.status_code == 201, started.text
    totp = pyotp.TOTP(started.json()["secret"])
    body = {"code": totp.at(clock.now())}
    confirmed = signed_up.client.put("/v1/me/second-factor", json=body, headers=officer)
    assert confirmed.json()["user"]["second_factor"] is True
    clock.advance(30)
    bare = {"name": "il-duty-officer", "password": PASSWORD}
    refused = signed_up.client.post("/v1/session", json=bare)
    assert (refused.status_code, refused.json()["field"]) == (401, "code")
    assert "set-cookie" not in refused.headers
    answer = signed_up.client.post("/v1/session", json=bare | {"code": totp.at(clock.now())})
    assert answer.status_code == 200, answer.text
    again = signed_up.client.post("/v1/session", json=bare | {"code": totp.at(clock.now())})
    assert (again.status_code, again.json()["field"]) == (401, "code"), "a code is taken once"


def test_a_user_without_a_password_cannot_sign_in(line: Line) -> None:
    answer = line.client.post("/v1/session", json={"name": "tr-duty-officer", "password": "x"})
    assert answer.status_code == 401


def test_signing_out_ends_the_session_at_once(signed_up: Line) -> None:
    token = sign_in(signed_up)
    assert signed_up.client.get("/v1/me", headers=as_signed_in(token)).status_code == 200
    out = signed_up.client.delete("/v1/session", headers=as_signed_in(token))
    assert out.status_code == 204
    assert 'clearline_session=""' in out.headers["set-cookie"]
    assert signed_up.client.get("/v1/me", headers=as_signed_in(token)).status_code == 401


def test_the_chosen_language_is_remembered(signed_up: Line) -> None:
    token = sign_in(signed_up)
    chosen = signed_up.client.put(
        "/v1/me/language", json={"language": "tr"}, headers=as_signed_in(token)
    )
    assert chosen.json()["user"]["language"] == "tr"
    again = sign_in(signed_up)
    me = signed_up.client.get("/v1/me", headers=as_signed_in(again)).json()
    assert me["user"]["language"] == "tr"
    bad = signed_up.client.put(
        "/v1/me/language", json={"language": "fr"}, headers=as_signed_in(token)
    )
    assert bad.status_code == 422 and bad.json()["field"] == "language"


def test_the_store_keeps_an_argon2_hash_never_the_password(
    signed_up: Line, engine: sa.Engine
) -> None:
    stored = run_now(
        engine,
        lambda c: c.execute(
            sa.text("SELECT password_hash FROM users WHERE name = 'il-duty-officer'")
        ).scalar_one(),
    )
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_a_short_password_is_refused(engine: sa.Engine, line: Line) -> None:
    with pytest.raises(ClearlineError) as refused:
        run_now(engine, lambda c: accounts.set_password(c, "il-duty-officer", "short"))
    assert refused.value.field == "password"
