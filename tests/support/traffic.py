"""Traffic of every kind on the demo line, for the tests that need the whole record: every
event type, on the fixed clock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyotp

from clearline.clock import FixedClock
from clearline.runtime.loops import page
from tests.conftest import Line, warning
from tests.support.amending import LIAISON, PROPOSALS, Liaisons
from tests.support.receiver import SECRET, receiving
from tests.support.tracks import fly, jet, report, uav


def created(answer: Any) -> dict[str, Any]:
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def ok(answer: Any) -> dict[str, Any]:
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def every_event_type(line: Line, clock: FixedClock) -> dict[str, dict[str, Any]]:
    """Traffic on the IL–TR demo line that produces every type of event, on the fixed clock
    (the line opened at its start, so its first line check is due an hour later).

    Returns the answers that carry a receipt, by name: what a careful party keeps.
    """
    kept = {"warning": created(line.send("TR", warning(free_text="Acil!")))}  # sent
    warned = kept["warning"]["id"]
    ok(line.get("IL", "/v1/messages", box="inbox"))  # delivered
    kept["ack"] = ok(line.post("IL", f"/v1/messages/{warned}/ack"))  # acknowledged

    asked = created(line.send("IL", query(to="TR")))["id"]
    kept["reply"] = created(line.send("TR", reply("IL", asked)))  # answered (and acknowledged)
    ok(line.get("IL", "/v1/messages", box="inbox"))
    ok(line.post("IL", f"/v1/messages/{kept['reply']['id']}/ack"))

    kept["ignored"] = created(line.send("TR", warning(precedence="FLASH")))
    for _ in range(3):  # FLASH: 2 min a step; watch commander, liaison officer, then overdue
        clock.advance(120)
        assert line.watch() == 1

    suspend = {"json": {"reason": "talks broke down"}}
    ok(line.post("IL", "/v1/lines/TR/suspend", "liaison_officer", **suspend))  # suspended
    kept["held"] = created(line.send("TR", warning(radius_m=5_000)))
    ok(line.post("IL", "/v1/lines/TR/restore", "liaison_officer"))  # released, restored
    ok(line.get("IL", "/v1/messages", box="inbox"))
    ok(line.post("IL", f"/v1/messages/{kept['held']['id']}/ack"))

    clock.advance(3_600 - 360)  # the line check goes out to both sides
    assert line.watch() == 1
    inbox = ok(line.get("IL", "/v1/messages", box="inbox"))["messages"]
    (check,) = [m for m in inbox if m["type"] == "line_check"]
    kept["line_check"] = ok(line.post("IL", f"/v1/messages/{check['id']}/ack"))  # answered
    clock.advance(120)  # TR never answered it: the line raises an alert to both sides
    assert line.watch() == 1
    theatre_traffic(line, clock)
    track_traffic(line, clock)
    incident_traffic(line, clock)
    paging_traffic(line, clock)
    amendment_traffic(line, clock)
    round_traffic(line)
    account_traffic(line, clock)
    return kept


def account_traffic(line: Line, clock: FixedClock) -> None:
    """A duty officer added to IL and its language changed; a token issued to IL's radar
    feed, then revoked; a second factor confirmed by IL's watch commander, then removed."""
    person = {"name": "il-duty-2", "role": "duty_officer", "language": "he"}
    created(line.post("IL", "/v1/users", "liaison_officer", json=person))  # added
    headers = line.headers("IL", "liaison_officer")
    ok(line.client.patch("/v1/users/il-duty-2", json={"language": "en"}, headers=headers))
    token = {"label": "radar feed", "scope": "tracks", "user": "il-system"}
    issued = created(line.post("IL", "/v1/tokens", "liaison_officer", json=token))  # issued
    path = f"/v1/tokens/{issued['issued']['id']}"
    ok(line.client.delete(path, headers=headers))  # revoked
    secret = created(line.post("IL", "/v1/me/second-factor", "watch_commander"))["secret"]
    code = {"code": pyotp.TOTP(secret).at(clock.now())}
    watch = line.headers("IL", "watch_commander")
    ok(line.client.put("/v1/me/second-factor", json=code, headers=watch))  # added
    path = "/v1/users/il-watch-commander/second-factor"
    ok(line.client.delete(path, headers=headers))  # removed


def round_traffic(line: Line) -> None:
    """A round opened by the mediator, an agenda item added, the round closed."""
    rounds = PROPOSALS.replace("/proposals", "/rounds")
    place = {"place": "Baku", "starts_on": "2026-11-24", "ends_on": "2026-11-25"}
    created(line.post("AZ", rounds, "mediator", json=place))
    created(line.post("IL", f"{rounds}/1/agenda", LIAISON, json={"title": "T4"}))
    ok(line.post("AZ", f"{rounds}/1/close", "mediator", json={}))


def amendment_traffic(line: Line, clock: FixedClock) -> None:
    """Keys registered; a proposal superseded by another, that one rejected, a third signed
    by both (adopted) and in force an hour later."""
    liaisons = Liaisons(line).register("IL", "TR")
    flash = {"patch": {"ack_deadline_s": {"FLASH": 90}}, "reason": "faster answers"}
    in_an_hour = (clock.now() + timedelta(hours=1)).isoformat()
    first = liaisons.proposed("IL", **flash, effective_at=in_an_hour)
    second = liaisons.proposed("TR", **flash, effective_at=in_an_hour, supersedes=first["number"])
    path = f"{PROPOSALS}/{second['number']}/rejection"
    ok(line.post("IL", path, LIAISON, json={"reason": "not yet"}))
    liaisons.adopted("TR", **flash, effective_at=in_an_hour)
    clock.advance(3_600)
    line.watch()


def paging_traffic(line: Line, clock: FixedClock) -> None:
    """IL's paging webhook registered, an escalation paged after one failed attempt, another
    abandoned when the webhook is deleted before it is taken."""

    def paging() -> None:
        line.client.portal.call(page, line.client.app.state.runtime)  # type: ignore[union-attr]

    def escalate_and_page() -> None:
        created(line.send("TR", warning()))
        clock.advance(120)
        line.watch()
        paging()
        clock.advance(5)

    with receiving() as receiver:
        receiver.fail(1)
        hook = {"url": receiver.url, "secret": SECRET}
        assert line.client.put("/v1/webhook", json=hook, headers=line.headers("IL")).is_success
        escalate_and_page()  # attempt failed
        paging()
        assert receiver.received, "the second attempt took it: delivered"
    escalate_and_page()  # nobody answers on that port now: failed again
    assert line.client.delete("/v1/webhook", headers=line.headers("IL")).status_code == 204
    paging()


def track_traffic(line: Line, clock: FixedClock) -> None:
    """A head-on encounter opened, raised and closed; an unknown object claimed."""
    ok(line.report("IL", jet(clock.now())))
    ok(line.report("TR", uav(clock.now())))
    ok(line.report("TR", report("RADAR-1", "unknown_object", 34.7, 38.2, clock.now())))
    fly(line, clock, 1)
    inbox = ok(line.get("TR", "/v1/messages", box="inbox"))["messages"]
    query = next(m for m in inbox if m["type"] == "identification_query")
    claim = {"type": "identification_reply", "body": {"answer": "ours"}, "precedence": "IMMEDIATE"}
    created(line.send("TR", {**claim, "to": "IL", "in_reply_to": query["id"]}))  # attributed
    fly(line, clock, 90)  # level 2, then 3 (updated), then passed: closed
    assert [e["state"] for e in line.encounters("IL")] == ["closed"]


def incident_traffic(line: Line, clock: FixedClock) -> None:
    """An incident over the encounter just flown, with its tracks' positions put on the
    ledger, acknowledged by the other party, a file attached; both watches acknowledge the
    line's messages of it (so no copy escalates where the other party cannot see it)."""
    window = {
        "start": (clock.now() - timedelta(seconds=90)).isoformat(),
        "end": clock.now().isoformat(),
    }
    place = {"point": {"lat": 34.7, "lon": 38.27}, "radius_m": 5_000}
    request = {"kind": "unsafe_intercept", **window, "place": place}
    case = created(line.post("TR", "/v1/incidents", json=request))  # filed, evidence
    path = f"/v1/incidents/{case['incident']['id']}/state"
    ok(line.post("IL", path, json={"state": "acknowledged"}))  # changed
    attached = line.client.post(
        f"/v1/incidents/{case['incident']['id']}/attachments",
        params={"name": "intercept.txt"},
        content=b"TR F-16 passed 150 m from the IL UAV\n",
        headers=line.headers("TR", **{"Content-Type": "text/plain"}),
    )
    created(attached)  # attachment
    for party in ("IL", "TR"):
        inbox = ok(line.get(party, "/v1/messages", box="inbox", type="incident_update"))
        for message in inbox["messages"]:
            ok(line.post(party, f"/v1/messages/{message['id']}/ack"))


def theatre_traffic(line: Line, clock: FixedClock) -> None:
    """Zones, positions, notices and conflicts through every state, on the fixed clock."""
    now = clock.now()

    def hence(hours: float) -> str:
        return (now + timedelta(hours=hours)).isoformat()

    def vol(lon: float, start: float = 1, hours: float = 1) -> dict[str, Any]:
        geometry = {"type": "Circle", "coordinates": [lon, 34.55], "radius_m": 10_000}
        span = {"start": hence(start), "end": hence(start + hours)}
        return {"geometry": geometry, "alt_lower_ft": 0, "alt_upper_ft": 10_000, **span}

    red_line = {
        "name": "T4 red line",
        "kind": "red_line_zone",
        "owner": "IL",
        "geometry": {"type": "Circle", "coordinates": [37.63, 34.52], "radius_m": 60_000},
        "rule": {"kinds": ["air_defence_deployment", "radar_ew_emission"]},
    }
    created(line.post("IL", "/v1/zones", "liaison_officer", json=red_line))  # zone added
    base = {"name": "T4", "kind": "base", "lat": 34.52, "lon": 37.63}
    created(line.post("IL", "/v1/positions", json=base))  # position declared
    ours = created(line.file("IL", {"kind": "uav_flight", "volumes": [vol(38.27)]}))  # filed
    theirs = created(line.file("TR", {"kind": "uav_flight", "volumes": [vol(38.30)]}))
    (opened,) = line.conflicts("IL")  # opened
    ok(line.post("IL", f"/v1/conflicts/{opened['id']}/ack"))  # acknowledged
    ok(line.amend("TR", theirs["id"], vol(38.32)))  # amended: updated
    ok(line.amend("TR", theirs["id"], vol(39.5)))  # resolved
    again = created(line.file("TR", {"kind": "uav_flight", "volumes": [vol(38.25)]}))
    accepted = next(c for c in line.conflicts("IL") if c["state"] == "open")
    reason = {"json": {"reason": "both flights coordinated by phone"}}
    ok(line.post("IL", f"/v1/conflicts/{accepted['id']}/accept", "liaison_officer", **reason))
    ok(line.post("TR", f"/v1/notices/{theirs['id']}/cancel"))  # cancelled
    clock.advance(3_600)
    line.watch()  # both live notices become active
    clock.advance(3_601)
    line.watch()  # and end; the accepted conflict's window has passed: closed
    states = {n["id"]: n["state"] for n in ok(line.get("IL", "/v1/notices"))["notices"]}
    assert states[ours["id"]] == states[again["id"]] == "ended"
    ahead = clock.now() + timedelta(hours=1)
    span = {"start": ahead.isoformat(), "end": (ahead + timedelta(hours=1)).isoformat()}
    blind = {"kind": "uav_flight", "sharing": "blind", "volumes": [{**vol(38.27), **span}]}
    created(line.file("TR", blind))
    properties = {"id": "p", "party": "IL", "kind": "air_patrol", "alt_lower_ft": 0}
    properties |= {"alt_upper_ft": 10_000, **span}
    feature = {"type": "Feature", "geometry": blind["volumes"][0]["geometry"]}
    plan = {"type": "FeatureCollection", "features": [{**feature, "properties": properties}]}
    checked = ok(line.post("IL", "/v1/conflicts/check", json={"plan": plan}))  # checked
    assert checked["blind"]["conflicts"] is True  # and TR's notice touched


def il_ru_traffic(line: Line) -> dict[str, dict[str, Any]]:
    """A warning and a query with its reply between IL and RU; the answers with receipts."""
    kept = {
        "ru_warning": created(line.send("RU", warning(to="IL", free_text="Только для Израиля")))
    }
    ok(line.get("IL", "/v1/messages", box="inbox"))
    kept["ru_ack"] = ok(line.post("IL", f"/v1/messages/{kept['ru_warning']['id']}/ack"))
    asked = created(line.send("IL", query(to="RU")))["id"]
    kept["ru_reply"] = created(line.send("RU", reply("IL", asked, answer="partner_force")))
    return kept


def query(to: str) -> dict[str, Any]:
    return {
        "to": to,
        "type": "identification_query",
        "precedence": "IMMEDIATE",
        "body": {
            "object_kind": "rotary",
            "location": {"lat": 35.4, "lon": 35.9},
            "observed_at": "2026-11-22T15:20:00Z",
        },
    }


def reply(to: str, in_reply_to: int, answer: str = "ours") -> dict[str, Any]:
    return {
        "to": to,
        "type": "identification_reply",
        "precedence": "IMMEDIATE",
        "body": {"answer": answer},
        "in_reply_to": in_reply_to,
    }
