"""The access matrix, generated: every route of the app against everyone who may knock, on one
installation running three agreements (IL–TR with AZ mediating, IL–RU, and TR–RU–IR with KZ
mediating), on both back-ends.

Who knocks: every role of every party and mediator, the installation's operator, and a
request with no token, an expired token and a revoked one. What they may have is written as
rules, not typed out as a table: without a working token, nothing but the public routes;
an operator, its own account and the agreements' set-up, nothing of any party's; a party, a
secret only if it is in that secret's audience, and a mediator never any content. Each
agreement holds secrets (messages, a shared notice) that every answer is searched for, byte
by byte. A route the matrix does not know how to fill fails the test: a new route must come
with its entry here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.routing import APIRoute
from sqlalchemy.engine import Engine

from clearline import demo
from clearline.clock import FixedClock
from clearline.model.agreement import INSTALLATION, Party
from clearline.model.user import Language, Role
from clearline.services.access import accounts, tokens
from clearline.services.agreements import create_agreement
from clearline.store.writer import run_now
from tests.conftest import IL_RU, Line, add_il_ru, warning
from tests.support.seen import everything
from tests.support.theatre import filed, notice, volume
from tests.test_docs import _flat

TRI = "tr-ru-ir-syria"
SECRETS: dict[str, frozenset[str]] = {
    "SECRET-ILTR-7d1": frozenset({"IL", "TR"}),
    "SECRET-ILRU-3a9": frozenset({"IL", "RU"}),
    "SECRET-TRI-5c2": frozenset({"RU", "IR"}),
    "SECRET-IRNOTICE-8e4": frozenset({"TR", "RU", "IR"}),
}
"""Each secret, and the parties it was shared with: the only ones that may ever read it."""

PUBLIC = {
    "GET /healthz",
    "GET /readyz",
    "GET /v1/clock",
    "POST /v1/session",
    "DELETE /v1/session",
}
"""What answers without a token."""
ACCOUNT = {
    "GET /v1/me",
    "PUT /v1/me/language",
    "POST /v1/me/second-factor",
    "PUT /v1/me/second-factor",
    "GET /v1/tokens",
    "POST /v1/tokens",
    "DELETE /v1/tokens/{token_id}",
}
"""What is about one's own account: an operator has one too."""
SET_UP = {"GET /v1/agreements", "POST /v1/agreements", "GET /metrics"}
"""What an operator is for: the agreements' set-up, and the node's figures."""


@dataclass(frozen=True)
class Knock:
    """Someone at the door: a party (or none) in a role, with the headers it comes with."""

    name: str
    party: str | None
    role: str | None
    headers: dict[str, str]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def installation(line: Line, engine: Engine, clock: FixedClock) -> Iterator[list[Knock]]:
    """The three agreements, their secrets, and everyone who knocks."""
    add_il_ru(engine, line.tokens, clock)

    def setup(connection: sa.Connection) -> dict[str, str]:
        now = clock.now()
        parties = [
            Party(code="TR", name=demo.TURKEY.name),
            Party(code="RU", name="Russian Armed Forces"),
        ]
        parties.append(Party(code="IR", name="Iranian Armed Forces"))
        create_agreement(
            connection, TRI, "Astana line", parties, [Party(code="KZ", name="Kazakhstan")], now
        )
        made = {}
        for name, party, role in (
            ("ru-liaison-officer", "RU", Role.LIAISON_OFFICER),
            ("ir-duty-officer", "IR", Role.DUTY_OFFICER),
            ("kz-mediator", "KZ", Role.MEDIATOR),
            ("ops", INSTALLATION, Role.OPERATOR),
            ("tr-expiring", "TR", Role.DUTY_OFFICER),
            ("tr-revoked", "TR", Role.DUTY_OFFICER),
        ):
            accounts.add_user(connection, name, party, role, Language.EN, now)
            expires = now + timedelta(minutes=1) if name == "tr-expiring" else None
            made[name] = tokens.create(connection, name, "matrix", now, expires_at=expires)
        return made

    made = run_now(engine, setup)
    line.tokens["RU"][Role.LIAISON_OFFICER] = made["ru-liaison-officer"]
    line.tokens["IR"] = {Role.DUTY_OFFICER: made["ir-duty-officer"]}
    line.tokens["KZ"] = {Role.MEDIATOR: made["kz-mediator"]}
    _tell_secrets(line)
    revoked = bearer(made["tr-revoked"])
    (mine,) = line.client.get("/v1/tokens", headers=revoked).json()["tokens"]
    assert line.client.delete(f"/v1/tokens/{mine['id']}", headers=revoked).status_code == 200
    clock.advance(120)  # the expiring token has expired
    knocks = [
        Knock(f"{party}-{role}", party, str(role), line.headers(party, role))
        for party, roles in line.tokens.items()
        for role in roles
    ]
    knocks += [
        Knock("operator", None, "operator", bearer(made["ops"])),
        Knock("no token", None, None, {}),
        Knock("expired token", None, None, bearer(made["tr-expiring"])),
        Knock("revoked token", None, None, revoked),
    ]
    yield knocks


def _tell_secrets(line: Line) -> None:
    sent = [
        line.send("TR", warning(to="IL", free_text="SECRET-ILTR-7d1")),
        line.send("IL", warning(to="RU", free_text="SECRET-ILRU-3a9") | {"agreement": IL_RU}),
        line.send("RU", warning(to="IR", free_text="SECRET-TRI-5c2")),
    ]
    assert all(answer.status_code == 201 for answer in sent), [a.text for a in sent]
    filed(line, "IR", notice("uav_flight", volume(), free_text="SECRET-IRNOTICE-8e4"))


def routes(line: Line) -> list[tuple[str, str]]:
    """(method, path) of every route the app serves, its own documentation left out."""
    found = []
    for route, path in _flat(line.client.app.routes):  # type: ignore[attr-defined]
        if isinstance(route, APIRoute) and route.include_in_schema:
            found += [(method, path) for method in sorted(route.methods)]
    return found


def filled(engine: Engine, path: str) -> list[str]:
    """The path with each parameter filled with every value worth trying: the ids of the
    secrets' records, each agreement. A parameter not known here fails the test."""
    with engine.connect() as connection:
        messages = [row[0] for row in connection.execute(sa.text("SELECT id FROM messages"))]
        notices = [row[0] for row in connection.execute(sa.text("SELECT id FROM notices"))]
    values: dict[str, list[Any]] = {
        "agreement_id": [demo.AGREEMENT_ID, IL_RU, TRI],
        "message_id": messages,
        "notice_id": notices,
        "number": [1],
        "item": [1],
        "name": ["il-duty-officer", "ir-duty-officer", "minutes.pdf"],
        "party": ["IL", "RU", "IR"],
        "conflict_id": [1],
        "encounter_id": [1],
        "incident_id": [1],
        "sha256": ["0" * 64],
        "token_id": ["0" * 16],
    }
    paths = [path]
    for parameter in re.findall(r"{(\w+)}", path):
        assert parameter in values, f"{path}: the matrix has no values for {{{parameter}}}"
        paths = [p.replace(f"{{{parameter}}}", str(v)) for p in paths for v in values[parameter]]
    return paths


def may_read(knock: Knock, secret: str) -> bool:
    """The rule of the brief: a party reads what was shared with it; a mediator reads
    figures, never content; nobody else reads anything."""
    allowed = knock.party is not None and knock.party in SECRETS[secret]
    return allowed and knock.role not in (Role.MEDIATOR, Role.OPERATOR)


def test_no_one_reads_a_secret_not_shared_with_them_through_any_route(
    line: Line, engine: Engine, installation: list[Knock]
) -> None:
    reads = [concrete for m, p in routes(line) if m == "GET" for concrete in filled(engine, p)]
    for knock in installation:
        heard = [line.client.get(concrete, headers=knock.headers).text for concrete in reads]
        if knock.party is not None and knock.role != Role.OPERATOR:
            heard.append(everything(line, knock.party, knock.role or ""))
        said = "\n".join(heard)
        leaked = [s for s in SECRETS if s in said and not may_read(knock, s)]
        assert leaked == [], f"{knock.name} read {leaked}"
        if knock.role == Role.DUTY_OFFICER:
            missing = [s for s in SECRETS if may_read(knock, s) and s not in said]
            assert missing == [], f"{knock.name} could not read its own {missing}"


def test_without_a_working_token_only_the_public_routes_answer(
    line: Line, engine: Engine, installation: list[Knock]
) -> None:
    strangers = [k for k in installation if k.party is None and k.role is None]
    for method, path in routes(line):
        if f"{method} {path}" in PUBLIC:
            continue
        concrete = filled(engine, path)[0]
        for knock in strangers:
            answer = line.client.request(method, concrete, headers=knock.headers, json={})
            assert answer.status_code == 401, (knock.name, method, concrete, answer.text)
            assert answer.json()["field"] == "Authorization"


def test_an_operator_sets_agreements_up_and_is_refused_every_party_s_route(
    line: Line, engine: Engine, installation: list[Knock]
) -> None:
    (operator,) = [k for k in installation if k.role == "operator"]
    for method, path in routes(line):
        if f"{method} {path}" in PUBLIC | ACCOUNT | SET_UP:
            continue
        concrete = filled(engine, path)[0]
        answer = line.client.request(method, concrete, headers=operator.headers, json={})
        assert answer.status_code == 403, (method, concrete, answer.text)
        assert answer.json()["field"] == "role", (method, concrete)
    listed = line.client.get("/v1/agreements", headers=operator.headers).json()["agreements"]
    assert sorted(v["agreement"]["id"] for v in listed) == sorted([demo.AGREEMENT_ID, IL_RU, TRI])
