"""An agreement's protocol through the API: the version in force as canonical JSON, any stored
version, YAML, the diff of two versions, and 404s naming the field, for an unknown agreement or
version and for a user of another agreement alike."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import rfc8785
import yaml
from sqlalchemy.engine import Engine

from clearline import demo
from clearline.clock import FixedClock
from clearline.model.message import Precedence
from clearline.model.protocol import Protocol
from clearline.store import agreements as agreement_store
from clearline.store.writer import run_now
from tests.conftest import IL_RU, Line, add_il_ru
from tests.support.refusals import refused

PROTOCOL = f"/v1/agreements/{demo.AGREEMENT_ID}/protocol"


def store_version_2(engine: Engine, clock: FixedClock) -> Protocol:
    """A version 2 adopted beside v1, not yet in force: it takes effect in a day."""
    v1 = Protocol()
    v2 = v1.model_copy(
        update={"version": 2, "ack_deadline_s": {**v1.ack_deadline_s, Precedence.FLASH: 90}}
    )
    run_now(
        engine,
        lambda c: agreement_store.insert_protocol(
            c, demo.AGREEMENT_ID, v2, clock.now(), clock.now() + timedelta(days=1)
        ),
    )
    return v2


@pytest.mark.parametrize(("party", "role"), [("IL", "duty_officer"), ("AZ", "mediator")])
def test_a_member_reads_the_version_in_force_as_canonical_json(
    line: Line, party: str, role: str
) -> None:
    answer = line.get(party, PROTOCOL, role)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    assert answer.content == rfc8785.dumps(Protocol().model_dump(mode="json"))
    assert answer.json()["ack_deadline_s"]["FLASH"] == 120


def test_a_stored_version_is_read_by_number_and_as_yaml(
    line: Line, engine: Engine, clock: FixedClock
) -> None:
    v2 = store_version_2(engine, clock)
    assert Protocol.model_validate(line.get("TR", PROTOCOL, version=2).json()) == v2
    assert line.get("TR", PROTOCOL).json()["version"] == 1
    answer = line.get("TR", PROTOCOL, version=1, format="yaml")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/yaml")
    assert Protocol.model_validate(yaml.safe_load(answer.text)) == Protocol()


def test_the_diff_lists_each_leaf_that_changed(
    line: Line, engine: Engine, clock: FixedClock
) -> None:
    store_version_2(engine, clock)
    answer = line.get("IL", f"{PROTOCOL}/diff", **{"from": 1, "to": 2})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "agreement_id": demo.AGREEMENT_ID,
        "from": 1,
        "to": 2,
        "changes": [
            {"path": "version", "from": 1, "to": 2},
            {"path": "ack_deadline_s.FLASH", "from": 120, "to": 90},
        ],
    }
    same = line.get("IL", f"{PROTOCOL}/diff", **{"from": 1, "to": 1})
    assert same.json()["changes"] == []


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/v1/agreements/no-such-line/protocol", {}, "agreement_id"),
        (PROTOCOL, {"version": 7}, "version"),
        (f"{PROTOCOL}/diff", {"from": 7, "to": 1}, "from"),
        (f"{PROTOCOL}/diff", {"from": 1, "to": 7}, "to"),
    ],
)
def test_an_unknown_agreement_or_version_is_a_404_naming_the_field(
    line: Line, engine: Engine, path: str, params: dict[str, int], field: str
) -> None:
    refusal = refused(engine, lambda: line.get("IL", path, **params))
    assert (refusal.status, refusal.field) == (404, field)


def test_bad_query_values_are_refused_naming_them(line: Line, engine: Engine) -> None:
    assert refused(engine, lambda: line.get("IL", PROTOCOL, version=0)).field == "version"
    assert refused(engine, lambda: line.get("IL", PROTOCOL, format="xml")).field == "format"
    assert refused(engine, lambda: line.get("IL", f"{PROTOCOL}/diff", to=1)).field == "from"


def test_a_user_of_another_agreement_is_told_it_does_not_exist(
    line: Line, engine: Engine, tokens: demo.Tokens, clock: FixedClock
) -> None:
    add_il_ru(engine, tokens, clock)
    other = refused(engine, lambda: line.get("RU", PROTOCOL))
    unknown = refused(engine, lambda: line.get("RU", "/v1/agreements/no-such-line/protocol"))
    assert (other.status, other.field) == (404, "agreement_id")
    assert other.reason == unknown.reason.replace("no-such-line", demo.AGREEMENT_ID)
    mine = line.get("RU", f"/v1/agreements/{IL_RU}/protocol")
    assert json.loads(mine.content)["version"] == 1
