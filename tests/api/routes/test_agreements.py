"""Agreements over the API: an operator of the installation sets up TR–RU–IR with Kazakhstan
mediating, its protocol version 1 from a document and its lines from the protocol; every
member lists the agreements it is in, the operator every one; the operator reads no party's
records. Each bad request is refused naming the field, with nothing stored."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine

from clearline.model.agreement import INSTALLATION
from tests.conftest import Line
from tests.support.refusals import refused

AGREEMENTS = "/v1/agreements"
ASTANA: dict[str, Any] = {
    "id": "tr-ru-ir-syria",
    "name": "Astana format deconfliction line",
    "parties": [
        {"code": "TR", "name": "Turkish Armed Forces"},
        {"code": "RU", "name": "Russian Armed Forces"},
        {"code": "IR", "name": "Iranian Armed Forces"},
    ],
    "mediators": [{"code": "KZ", "name": "Kazakhstan"}],
    "protocol": {
        "line_pairs": [["TR", "RU"], ["RU", "IR"]],
        "ack_deadline_s": {"FLASH": 90, "IMMEDIATE": 600, "PRIORITY": 3600, "ROUTINE": 21600},
    },
}


def opened(line: Line, operator: dict[str, str], **changes: Any) -> Any:
    return line.client.post(AGREEMENTS, json={**ASTANA, **changes}, headers=operator)


def ids(answer: Any) -> list[str]:
    return [view["agreement"]["id"] for view in answer.json()["agreements"]]


def test_an_operator_sets_up_an_agreement_with_its_protocol_and_lines(
    line: Line, operator: dict[str, str]
) -> None:
    answer = opened(line, operator)
    assert answer.status_code == 201, answer.text
    view = answer.json()
    members = {(m["party"], m["role"]) for m in view["agreement"]["members"]}
    assert members == {("TR", "party"), ("RU", "party"), ("IR", "party"), ("KZ", "mediator")}
    assert view["lines"] == [["RU", "TR"], ["IR", "RU"]]
    assert view["agreement"]["protocol_version"] == 1
    protocol = line.get("TR", f"{AGREEMENTS}/tr-ru-ir-syria/protocol").json()
    assert protocol["ack_deadline_s"]["FLASH"] == 90
    assert protocol["version"] == 1


def test_each_lists_the_agreements_it_is_in_and_the_operator_every_one(
    line: Line, operator: dict[str, str]
) -> None:
    assert opened(line, operator).status_code == 201
    assert ids(line.client.get(AGREEMENTS, headers=operator)) == ["il-tr-syria", "tr-ru-ir-syria"]
    assert ids(line.get("TR", AGREEMENTS)) == ["il-tr-syria", "tr-ru-ir-syria"]
    assert ids(line.get("IL", AGREEMENTS)) == ["il-tr-syria"]
    assert ids(line.get("AZ", AGREEMENTS, "mediator")) == ["il-tr-syria"]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/messages",
        "/v1/events",
        "/v1/lines",
        "/v1/users",
        "/v1/notices",
        "/v1/incidents",
        "/v1/ledger/head",
        f"{AGREEMENTS}/il-tr-syria/protocol",
    ],
)
def test_the_operator_reads_no_party_s_records(
    line: Line, operator: dict[str, str], path: str
) -> None:
    answer = line.client.get(path, headers=operator)
    assert answer.status_code == 403, answer.text
    assert answer.json()["field"] == "role"


def test_the_operator_s_stream_is_closed_unread(line: Line, operator: dict[str, str]) -> None:
    token = operator["Authorization"].removeprefix("Bearer ")
    with line.client.websocket_connect(f"/v1/stream?token={token}") as ws:
        closed = ws.receive()
    assert closed["type"] == "websocket.close" and closed["code"] == 4403


def test_the_operator_has_an_account_of_its_own(line: Line, operator: dict[str, str]) -> None:
    me = line.client.get("/v1/me", headers=operator).json()["user"]
    assert (me["name"], me["party"], me["role"]) == ("ops", INSTALLATION, "operator")
    issued = line.client.post("/v1/tokens", json={"label": "ci"}, headers=operator)
    assert issued.status_code == 201, issued.text


@pytest.mark.parametrize(
    "changes, status, field",
    [
        ({"parties": [{"code": "TR", "name": "Turkish Armed Forces"}]}, 422, "parties"),
        (
            {"parties": [{"code": "TR", "name": "Turkish Armed Forces"}] * 2},
            422,
            "parties",
        ),
        ({"mediators": [{"code": "TR", "name": "Turkish Armed Forces"}]}, 422, "parties"),
        ({"mediators": [{"code": "ZZ", "name": "Somebody"}]}, 422, "parties"),
        ({"id": "il-tr-syria"}, 409, "id"),
        ({"id": "Not An Id"}, 422, "id"),
        (
            {
                "parties": [{"code": "TR", "name": "Türkiye"}, {"code": "RU", "name": "R"}],
                "protocol": None,
            },
            409,
            "parties",
        ),
        (
            {"protocol": {"separation": {"horizontal_m": -1}}},
            422,
            "protocol.separation.horizontal_m",
        ),
        ({"protocol": {"version": 2}}, 422, "protocol.version"),
        ({"protocol": {"line_pairs": [["TR", "IL"]]}}, 422, "protocol.line_pairs"),
        ({"protocol": {"no_such_rule": 1}}, 422, "protocol.no_such_rule"),
    ],
    ids=[
        "one-party",
        "a-party-twice",
        "party-and-mediator",
        "installation-code",
        "taken-id",
        "bad-id",
        "party-renamed",
        "bad-rule",
        "not-version-1",
        "line-to-outsider",
        "unknown-rule",
    ],
)
def test_a_bad_agreement_is_refused_naming_the_field(
    line: Line,
    engine: Engine,
    operator: dict[str, str],
    changes: dict[str, Any],
    status: int,
    field: str,
) -> None:
    refusal = refused(engine, lambda: opened(line, operator, **changes))
    assert (refusal.status, refusal.field) == (status, field), refusal.reason


@pytest.mark.parametrize("party, role", [("TR", "liaison_officer"), ("AZ", "mediator")])
def test_only_an_operator_sets_up_an_agreement(
    line: Line, engine: Engine, party: str, role: str
) -> None:
    refusal = refused(engine, lambda: line.post(party, AGREEMENTS, role, json=ASTANA))
    assert (refusal.status, refusal.field) == (403, "role")
