"""Russia joins the demo agreement over the line: Israel proposes it, and it takes effect only
with the signatures of Israel, Turkey and Russia's own liaison officer; until then Russia reads
that proposal and nothing else of the agreement. In force, Russia has lines to Israel and
Turkey, talks over them, and its notices are screened against Turkey's. A party leaves the same
way, its lines closed but its history kept. An auditor checks Russia's signature offline, and
every bad proposal is refused naming the field, with nothing stored."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from clearline import demo
from clearline.clock import FixedClock
from clearline.model.user import Language, Role
from clearline.services.access import accounts, tokens
from clearline.store.writer import run_now
from tests.conftest import IL_RU, Line, add_il_ru, warning
from tests.services.protocol.test_audit import verified
from tests.support.amending import LIAISON, PROPOSALS, Liaisons
from tests.support.refusals import refused
from tests.support.seen import everything
from tests.support.theatre import filed, notice, volume

TR_SECRET = "Kilis corridor, 4th flight"
"""What Turkey told Israel, and a notice it finished, before Russia joined: never Russia's."""
TR_LIVE = "Palmyra patrol box"
"""A notice of Turkey's still live when Russia joins: Russia must see it then to keep clear."""


@pytest.fixture
def liaisons(line: Line, engine: Engine, clock: FixedClock) -> Liaisons:
    """IL, TR, and Russia (in its own agreement with Israel), each with a signing key."""
    add_il_ru(engine, line.tokens, clock)

    def ru_liaison(connection: sa.Connection) -> str:
        name = "ru-liaison-officer"
        accounts.add_user(connection, name, "RU", Role.LIAISON_OFFICER, Language.EN, clock.now())
        return tokens.create(connection, name, "test", clock.now())

    line.tokens["RU"][Role.LIAISON_OFFICER] = run_now(engine, ru_liaison)
    return Liaisons(line).register("IL", "TR", "RU")


def later(clock: FixedClock, hours: float = 1) -> str:
    return (clock.now() + timedelta(hours=hours)).isoformat()


def joining(liaisons: Liaisons, clock: FixedClock) -> dict[str, Any]:
    return liaisons.proposed(
        "IL", joining=["RU"], reason="Russia joins the line", effective_at=later(clock)
    )


def members(line: Line, party: str = "IL") -> list[str]:
    (view,) = [
        v
        for v in line.get(party, "/v1/agreements").json()["agreements"]
        if v["agreement"]["id"] == demo.AGREEMENT_ID
    ]
    return sorted(m["party"] for m in view["agreement"]["members"])


def test_russia_joins_with_three_signatures_and_sees_nothing_before(
    line: Line, liaisons: Liaisons, clock: FixedClock
) -> None:
    secret = line.send("TR", warning(free_text=TR_SECRET))
    assert secret.status_code == 201, secret.text
    ended = filed(line, "TR", notice("uav_flight", volume(start=1, hours=1), free_text=TR_SECRET))
    cancelled = line.post("TR", f"/v1/notices/{ended['id']}/cancel", json={})
    assert cancelled.status_code == 200, cancelled.text
    tr_notice = filed(line, "TR", notice("uav_flight", volume(start=2, hours=2), free_text=TR_LIVE))

    proposal = joining(liaisons, clock)
    assert proposal["signers"] == ["IL", "TR", "RU"]
    assert proposal["protocol"]["parties"] == ["IL", "TR", "RU"]
    liaisons.approved("IL", proposal)
    assert liaisons.approved("TR", proposal)["state"] == "open"  # Russia has not signed
    clock.advance(2 * 3_600)
    line.watch()
    assert members(line) == ["AZ", "IL", "TR"]

    before = everything(line, "RU")
    assert TR_SECRET not in before and TR_LIVE not in before
    read = line.get("RU", f"{PROPOSALS}/{proposal['number']}", LIAISON)
    assert read.status_code == 200, read.text

    assert liaisons.approved("RU", proposal)["state"] == "adopted"
    line.watch()
    assert members(line) == ["AZ", "IL", "RU", "TR"]
    lines = {
        (x["line"]["party_a"], x["line"]["party_b"], x["line"]["agreement_id"])
        for x in line.get("RU", "/v1/lines").json()
    }
    assert lines == {
        ("IL", "RU", IL_RU),
        ("IL", "RU", demo.AGREEMENT_ID),
        ("RU", "TR", demo.AGREEMENT_ID),
    }
    after = everything(line, "RU")
    assert TR_SECRET not in after, "what was finished before Russia joined stays theirs"
    assert TR_LIVE in after, "what is live when it joins, it must see to keep clear of"

    to_turkey = line.send("RU", warning(to="TR"))
    assert to_turkey.status_code == 201, to_turkey.text
    to_israel = line.send("RU", warning(to="IL"))
    assert (to_israel.status_code, to_israel.json()["field"]) == (422, "agreement")
    named = line.send("RU", warning(to="IL") | {"agreement": demo.AGREEMENT_ID})
    assert named.status_code == 201, named.text
    both = line.send("RU", warning(to=["IL", "TR"]) | {"agreement": demo.AGREEMENT_ID})
    assert both.status_code == 201, both.text
    assert [m["to"] for m in both.json()["messages"]] == [["IL"], ["TR"]]

    ru_notice = filed(
        line,
        "RU",
        notice("air_patrol", volume(start=0.5, hours=2)) | {"agreement": demo.AGREEMENT_ID},
    )
    found = line.get("TR", "/v1/conflicts").json()["conflicts"]
    assert any(
        sorted(c["parties"]) == ["RU", "TR"]
        and {c["a"]["notice_id"], c["b"]["notice_id"]} == {ru_notice["id"], tr_notice["id"]}
        for c in found
    ), found

    for party in ("RU", "IL"):
        _, amendments = verified(line, party)
        assert amendments.adopted == 1, f"every signature checks out on {party}'s record"


def adopted(liaisons: Liaisons, clock: FixedClock) -> None:
    """Russia's joining proposed by Israel and signed by all three: adopted, not yet in force."""
    proposal = joining(liaisons, clock)
    for party in ("IL", "TR", "RU"):
        liaisons.approved(party, proposal)


def joined(line: Line, liaisons: Liaisons, clock: FixedClock) -> None:
    """Russia in the demo agreement, its joining in force."""
    adopted(liaisons, clock)
    clock.advance(3_600)
    line.watch()


def test_before_it_is_in_force_russia_has_no_line_to_turkey(
    line: Line, liaisons: Liaisons, clock: FixedClock
) -> None:
    adopted(liaisons, clock)
    refused = line.send("RU", warning(to="TR"))
    assert (refused.status_code, refused.json()["field"]) == (422, "to")
    clock.advance(3_600)
    line.watch()
    assert line.send("RU", warning(to="TR")).status_code == 201


def test_russia_leaves_the_same_way_and_keeps_what_it_read(
    line: Line, liaisons: Liaisons, clock: FixedClock
) -> None:
    joined(line, liaisons, clock)
    sent = line.send("RU", warning(to="TR"))
    assert sent.status_code == 201, sent.text
    leaving = liaisons.proposed(
        "RU", leaving=["RU"], reason="Russia leaves the line", effective_at=later(clock)
    )
    assert leaving["signers"] == ["IL", "RU", "TR"]
    for party in ("IL", "RU", "TR"):
        liaisons.approved(party, leaving)
    clock.advance(3_600)
    line.watch()
    assert members(line) == ["AZ", "IL", "TR"]
    states = {
        (x["line"]["party_a"], x["line"]["party_b"]): x["line"]["state"]
        for x in line.get("RU", "/v1/lines").json()
        if x["line"]["agreement_id"] == demo.AGREEMENT_ID
    }
    assert states == {("IL", "RU"): "closed", ("RU", "TR"): "closed"}
    gone = line.send("RU", warning(to="TR"))
    assert (gone.status_code, gone.json()["field"]) == (422, "to")
    kept = line.get("RU", f"/v1/messages/{sent.json()['id']}")
    assert kept.status_code == 200, "what Russia sent stays readable to it"
    assert line.send("TR", warning(to="IL")).status_code == 201


def test_a_proposal_made_once_russia_s_joining_is_adopted_is_russia_s_to_sign_too(
    line: Line, liaisons: Liaisons, clock: FixedClock
) -> None:
    adopted(liaisons, clock)
    after = liaisons.proposed(
        "IL", patch={"standoff_m": 4_000}, reason="wider standoff", effective_at=later(clock, 5)
    )
    assert (after["version"], after["signers"]) == (3, ["IL", "TR", "RU"])
    clock.advance(3_600)
    line.watch()
    assert line.get("IL", f"{PROPOSALS}/{after['number']}", LIAISON).json()["state"] == "open"


def test_a_proposal_a_leaver_would_still_sign_is_ended_when_it_leaves(
    line: Line, liaisons: Liaisons, clock: FixedClock
) -> None:
    joined(line, liaisons, clock)
    leaving = liaisons.proposed(
        "RU", leaving=["RU"], reason="Russia leaves", effective_at=later(clock)
    )
    for party in ("IL", "RU", "TR"):
        liaisons.approved(party, leaving)
    stale = liaisons.proposed(
        "IL", patch={"standoff_m": 4_000}, reason="wider standoff", effective_at=later(clock, 5)
    )
    assert "RU" in stale["signers"]
    clock.advance(3_600)
    line.watch()
    ended = line.get("IL", f"{PROPOSALS}/{stale['number']}", LIAISON).json()
    assert ended["state"] == "superseded"
    assert "the parties changed" in ended["decision"]


def test_russia_may_decline_and_stays_outside(
    line: Line, liaisons: Liaisons, clock: FixedClock
) -> None:
    proposal = joining(liaisons, clock)
    path = f"{PROPOSALS}/{proposal['number']}/rejection"
    declined = line.post("RU", path, LIAISON, json={"reason": "not now"})
    assert declined.status_code == 200, declined.text
    assert declined.json()["state"] == "rejected"
    clock.advance(3_600)
    line.watch()
    assert members(line) == ["AZ", "IL", "TR"]


def test_a_party_not_asked_reads_no_proposal_and_its_watch_signs_nothing(
    line: Line, liaisons: Liaisons, clock: FixedClock
) -> None:
    other = liaisons.proposed(
        "IL", patch={"standoff_m": 4_000}, reason="wider standoff", effective_at=later(clock)
    )
    assert line.get("RU", f"{PROPOSALS}/{other['number']}", LIAISON).status_code == 404
    proposal = joining(liaisons, clock)
    listed = line.get("RU", PROPOSALS, LIAISON).json()["proposals"]
    assert [p["number"] for p in listed] == [proposal["number"]]
    watch = line.post(
        "RU", f"{PROPOSALS}/{proposal['number']}/approvals", json={"signature": "AAAA"}
    )
    assert (watch.status_code, watch.json()["field"]) == (403, "role")


@pytest.mark.parametrize(
    "change, status, field",
    [
        ({"joining": ["TR"]}, 422, "joining"),
        ({"joining": ["XY"]}, 404, "joining"),
        ({"joining": ["AZ"]}, 422, "joining"),
        ({"joining": ["ZZ"]}, 422, "joining"),
        ({"leaving": ["RU"]}, 422, "leaving"),
        ({"leaving": ["TR"]}, 422, "leaving"),
        ({"joining": ["RU"], "patch": {"line_pairs": [["IL", "KZ"]]}}, 422, "patch.line_pairs"),
        ({"joining": ["RU"], "patch": {"theatre_centre": [0, 0]}}, 422, "patch.theatre_centre"),
    ],
    ids=[
        "already-in",
        "no-such-party",
        "the-mediator",
        "the-installation",
        "leaving-outsider",
        "one-party-left",
        "line-to-outsider",
        "fixed-rule",
    ],
)
def test_a_bad_join_or_leave_is_refused_naming_the_field(
    line: Line,
    engine: Engine,
    liaisons: Liaisons,
    clock: FixedClock,
    change: dict[str, Any],
    status: int,
    field: str,
) -> None:
    body = {"reason": "membership", "effective_at": later(clock), **change}
    refusal = refused(engine, lambda: liaisons.propose("IL", **body))
    assert (refusal.status, refusal.field) == (status, field), refusal.reason
