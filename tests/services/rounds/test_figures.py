"""A round's figures: what they count, and who may see which.

The figures are checked against the store and the API read independently here (hand-written
SQL, the API's answers, the ledger's events), on traffic of every kind. Who sees what is
checked on notices only one party may see: TR's blind ones.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from clearline.clock import FixedClock
from clearline.demo import AGREEMENT_ID
from clearline.model.errors import ClearlineError
from clearline.model.report import FEWER_THAN_3, SMALLEST_SHOWN, Cell, RoundFigures
from clearline.model.user import Language, Role, User
from clearline.services.rounds.figures import report_figures
from tests.conftest import START, Line, warning
from tests.support.theatre import filed, notice, volume
from tests.support.traffic import every_event_type

END = START + timedelta(days=2)


def figures(engine: Engine, user: User, start: datetime = START, end: datetime = END) -> Any:
    with engine.connect() as connection:
        return report_figures(connection, AGREEMENT_ID, user, start, end)


def rows(engine: Engine, sql: str) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(sa.text(sql)).all())


# The one rule, on its own.


@pytest.mark.parametrize(
    ("items", "seen_by_il", "shown"),
    [
        (0, 0, 0),  # nothing: 0, not hidden
        (1, 0, FEWER_THAN_3),
        (2, 0, FEWER_THAN_3),
        (3, 0, 7),  # three hidden items are not a single event
        (5, 3, FEWER_THAN_3),  # two of them IL's not to see
        (5, 5, 7),  # all IL's to see
    ],
)
def test_a_cell_hides_a_figure_resting_on_one_or_two_items_the_viewer_may_not_see(
    items: int, seen_by_il: int, shown: object
) -> None:
    cell = Cell(value=7 if items else 0, items=items, seen_by={"IL": seen_by_il})
    assert cell.shown_to("IL") == shown


def test_a_mediator_sees_no_party_s_items() -> None:
    cell = Cell(value=2.5, items=2, seen_by={"IL": 2, "TR": 2})
    assert cell.shown_to("IL") == 2.5
    assert cell.shown_to(None) == FEWER_THAN_3


# The figures, against the store read by hand.


@pytest.fixture
def traffic(line: Line, clock: FixedClock, engine: Engine) -> datetime:
    """Every kind of traffic; the end of a window that takes it all in."""
    every_event_type(line, clock)
    return clock.now() + timedelta(seconds=1)


def _deadlines(engine: Engine) -> dict[int, dict[str, Any]]:
    found = rows(engine, "SELECT version, rules FROM protocols")
    return {v: (r if isinstance(r, dict) else json.loads(r)) for v, r in found}


def _p90(values: list[float]) -> float:
    """The 90th percentile, interpolated between the two nearest ranks (numpy's default)."""
    return (
        statistics.quantiles(values, n=10, method="inclusive")[8] if len(values) > 1 else values[0]
    )


@pytest.mark.slow
def test_the_figures_are_those_of_the_store(
    traffic: datetime, engine: Engine, users: dict[str, User], line: Line
) -> None:
    il = figures(engine, users["il-duty-officer"], end=traffic)
    whole = il.aggregate  # IL is on every message of the IL–TR line: it sees all of them

    by_type = rows(
        engine,
        "SELECT m.type, COUNT(DISTINCT m.id) FROM messages m JOIN recipients r "
        "ON r.message_id = m.id WHERE r.released_at IS NOT NULL GROUP BY m.type",
    )
    assert {t: n for t, n in by_type} == {t: n for t, n in whole.messages_by_type.items() if n}
    assert whole.messages == sum(n for _, n in by_type)
    by_precedence = rows(
        engine,
        "SELECT precedence, COUNT(*) FROM messages WHERE id IN "
        "(SELECT message_id FROM recipients WHERE released_at IS NOT NULL) GROUP BY precedence",
    )
    assert dict(by_precedence) == {p: n for p, n in whole.messages_by_precedence.items() if n}

    _check_acknowledgements(engine, whole)
    _check_escalations(engine, whole)
    _check_line_checks(engine, whole)
    _check_conflicts_and_encounters(line, whole)
    assert whole.suspensions.count == 1  # suspended and restored at the same moment
    assert whole.suspensions.total_s == 0
    assert [p.version for p in il.protocols] == [1, 2]  # the amendment came into force


def _as_il_sees(value: Any, hidden: int) -> Any:
    """A figure as IL is shown it: the line's own messages go to both parties, and TR's copy
    of one is TR's; a figure resting on one or two copies IL cannot see reads so."""
    return FEWER_THAN_3 if 0 < hidden < SMALLEST_SHOWN else value


def _check_acknowledgements(engine: Engine, whole: Any) -> None:
    rules = _deadlines(engine)
    copies = rows(
        engine,
        "SELECT m.precedence, m.protocol_version, r.released_at, r.acknowledged_at, "
        "r.party = 'IL' OR m.sender_party = 'IL' "
        "FROM messages m JOIN recipients r ON r.message_id = m.id "
        "WHERE r.acknowledged_at IS NOT NULL "
        "AND NOT (m.type = 'line_check' AND m.sender_party IS NULL)",
    )
    times: dict[str, list[tuple[float, int]]] = {}
    hidden: Counter[str] = Counter()
    for precedence, version, released, acknowledged, seen in copies:
        seconds = (_dt(acknowledged) - _dt(released)).total_seconds()
        deadline = rules[version]["ack_deadline_s"][precedence]
        times.setdefault(precedence, []).append((seconds, deadline))
        hidden[precedence] += not seen
    assert times, "the traffic has acknowledgements"
    for precedence, timed in times.items():
        seconds = [s for s, _ in timed]
        timing = whole.acknowledgement[precedence]
        if _as_il_sees(0, hidden[precedence]) == FEWER_THAN_3:
            assert timing.count == FEWER_THAN_3
            continue
        assert timing.count == len(timed)
        assert timing.median_s == pytest.approx(statistics.median(seconds))
        assert timing.p90_s == pytest.approx(_p90(seconds))
        assert timing.max_s == pytest.approx(max(seconds))
        assert timing.within_deadline == pytest.approx(sum(s <= d for s, d in timed) / len(timed))
    answered = rows(engine, "SELECT COUNT(*) FROM recipients WHERE answered_at IS NOT NULL")
    assert sum(t.count for t in whole.answer.values()) == answered[0][0]


def _check_escalations(engine: Engine, whole: Any) -> None:
    """Each message.escalated event is one step up the ladder for one copy."""
    steps = Counter(
        (p["message_id"], p["party"])
        for (raw,) in rows(engine, "SELECT payload FROM events WHERE type = 'message.escalated'")
        for p in [raw if isinstance(raw, dict) else json.loads(raw)]
    )
    senders = dict(rows(engine, "SELECT id, sender_party FROM messages"))
    expected = Counter(str(level) for level in steps.values())
    hidden = Counter(
        str(level)
        for (message, party), level in steps.items()
        if "IL" not in (party, senders[message])
    )
    shown = {level: _as_il_sees(n, hidden[level]) for level, n in expected.items()}
    assert {k: v for k, v in whole.escalations_by_level.items() if v and k != "overdue"} == shown


def _check_line_checks(engine: Engine, whole: Any) -> None:
    checks = rows(
        engine,
        "SELECT r.released_at, r.acknowledged_at, r.overdue FROM messages m "
        "JOIN recipients r ON r.message_id = m.id "
        "WHERE m.type = 'line_check' AND m.sender_party IS NULL AND r.released_at IS NOT NULL",
    )
    answered = [(_dt(a) - _dt(r)).total_seconds() for r, a, _ in checks if a is not None]
    figures = whole.line_checks
    assert (figures.sent, figures.answered) == (len(checks), len(answered))
    assert figures.missed == sum(bool(o) for _, _, o in checks)
    assert figures.missed >= 1, "TR never answered its line check"
    assert figures.answer.median_s == pytest.approx(statistics.median(answered))
    assert [s for _, s in figures.over_time] == pytest.approx(answered)


def _check_conflicts_and_encounters(line: Line, whole: Any) -> None:
    seen = line.conflicts("IL")  # every conflict of this line involves IL
    assert whole.conflicts == len(seen)
    assert {k: v for k, v in whole.conflicts_by_state.items() if v} == Counter(
        c["state"] for c in seen
    )
    assert {k: v for k, v in whole.conflicts_by_source.items() if v} == Counter(
        c["source"] for c in seen
    )
    done = [c for c in seen if c["state"] in ("resolved", "closed")]
    spans = [(_dt(c["updated_at"]) - _dt(c["created_at"])).total_seconds() for c in done]
    assert whole.resolution.count == len(done)
    assert whole.resolution.max_s == pytest.approx(max(spans))
    met = Counter(str(e["max_level"]) for e in line.encounters("IL"))
    assert {k: v for k, v in whole.encounters_by_level.items() if v} == met


def _dt(value: Any) -> datetime:
    """A time from raw SQL (naive UTC text on SQLite) or from the API (ISO 8601)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).replace(tzinfo=None)


@pytest.mark.slow
def test_a_window_that_ends_before_the_traffic_counts_none_of_it(
    traffic: datetime, engine: Engine, users: dict[str, User]
) -> None:
    empty = figures(engine, users["az-mediator"], end=START).aggregate
    assert empty.messages == 0
    assert empty.acknowledgement["FLASH"].count == 0
    assert empty.acknowledgement["FLASH"].median_s is None
    assert empty.notices == empty.conflicts == empty.suspensions.count == 0


# Who sees what.


SECRET = "Operation Kestrel over Deir ez-Zor"


def _blind_exercises(line: Line, count: int) -> None:
    """TR files ``count`` blind exercises (filed late: an exercise wants 72 h)."""
    for n in range(count):
        request = notice("exercise", volume(start=2 + n), sharing="blind", free_text=SECRET)
        filed(line, "TR", request)


@pytest.mark.parametrize("count", [1, 2])
def test_one_or_two_blind_notices_show_as_fewer_than_3_to_all_but_their_party(
    line: Line, engine: Engine, users: dict[str, User], count: int
) -> None:
    _blind_exercises(line, count)
    filed(line, "IL", notice("air_patrol", sharing="shared"))
    il, tr, az = (
        figures(engine, users[u]) for u in ("il-duty-officer", "tr-duty-officer", "az-mediator")
    )

    assert il.aggregate.notices_by_kind["exercise"] == FEWER_THAN_3
    assert il.aggregate.late_notices_by_kind["exercise"] == FEWER_THAN_3
    assert il.aggregate.notices == FEWER_THAN_3  # the total rests on them too
    assert il.own.notices_by_kind["exercise"] == 0
    assert il.own.notices_by_kind["air_patrol"] == 1

    assert az.own is None
    assert az.aggregate.notices_by_kind["exercise"] == FEWER_THAN_3
    assert az.aggregate.notices_by_kind["air_patrol"] == FEWER_THAN_3  # IL's one, too
    assert az.aggregate.notices_by_kind["joint_patrol"] == 0

    assert tr.aggregate.notices_by_kind["exercise"] == count
    assert tr.own.notices_by_kind["exercise"] == count
    assert tr.own.late_notices_by_kind["exercise"] == count
    assert tr.aggregate.notices_by_kind["air_patrol"] == 1  # shared: TR saw it

    for seen in (il, az):
        assert count not in _values_for(seen, "exercise")


def test_three_blind_notices_are_counted_for_everyone(
    line: Line, engine: Engine, users: dict[str, User]
) -> None:
    _blind_exercises(line, 3)
    for user in ("il-duty-officer", "az-mediator"):
        assert figures(engine, users[user]).aggregate.notices_by_kind["exercise"] == 3


def _values_for(seen: RoundFigures, key: str) -> list[object]:
    """Every value filed under ``key`` anywhere in the figures."""
    found: list[object] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k == key:
                    found.append(v)
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(seen.model_dump(mode="json"))
    return found


def test_a_mediator_sees_no_timing_resting_on_one_or_two_acknowledgements(
    line: Line, engine: Engine, users: dict[str, User]
) -> None:
    sent = line.send("TR", warning(free_text=SECRET))
    assert sent.status_code == 201, sent.text
    line.get("IL", "/v1/messages", box="inbox")
    assert line.post("IL", f"/v1/messages/{sent.json()['id']}/ack").status_code == 200

    il = figures(engine, users["il-duty-officer"]).aggregate.acknowledgement["FLASH"]
    az = figures(engine, users["az-mediator"]).aggregate.acknowledgement["FLASH"]
    assert il.count == 1 and il.median_s == 0 and il.within_deadline == 1
    assert il.samples_s == [0]
    fields = (az.count, az.median_s, az.p90_s, az.max_s, az.within_deadline, az.samples_s)
    assert set(fields) == {FEWER_THAN_3}
    assert az.deadlines_s == [120]  # the protocol is no secret


def test_nobody_outside_the_agreement_gets_figures(engine: Engine, users: dict[str, User]) -> None:
    stranger = User(id=999, name="ru", party="RU", role=Role.DUTY_OFFICER, language=Language.EN)
    with pytest.raises(ClearlineError) as refused:
        figures(engine, stranger)
    assert refused.value.field == "agreement_id"


def test_acknowledgement_times_are_measured_against_the_deadline_at_release(
    line: Line, clock: FixedClock, engine: Engine, users: dict[str, User]
) -> None:
    """Three FLASH warnings (deadline 120 s) read 200, 100 and 60 s after they came: the
    first was escalated meanwhile, which moved its due time but not the deadline it missed."""
    for wait in (100, 40, 60):
        sent = line.send("TR", warning())
        assert sent.status_code == 201, sent.text
        clock.advance(wait)
        line.watch()
    for message in line.get("IL", "/v1/messages", box="inbox").json()["messages"]:
        assert line.post("IL", f"/v1/messages/{message['id']}/ack").status_code == 200
    flash = figures(engine, users["tr-duty-officer"]).aggregate.acknowledgement["FLASH"]
    assert sorted(flash.samples_s) == [60, 100, 200]
    assert (flash.count, flash.median_s, flash.max_s) == (3, 100, 200)
    assert flash.p90_s == pytest.approx(180)  # 100 + 0.8 x 100, between the two top ranks
    assert flash.within_deadline == pytest.approx(2 / 3)
    assert figures(engine, users["il-duty-officer"]).own.escalations_by_level["1"] >= 1
