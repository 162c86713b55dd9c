"""What-if for planners: a plan's volumes checked against each other and against what is filed,
with nothing filed and nothing told to anyone.

A plan is a GeoJSON FeatureCollection whose features are volumes: the geometry as for a notice
volume, and properties ``id``, ``party``, ``kind``, ``alt_lower_ft``, ``alt_upper_ft``,
``start``, ``end`` (and ``radius_m`` or ``width_m`` where the geometry needs it). The answer is a
FeatureCollection of conflicts, each the clash region with the ids of both sides.

Against blind notices of another party a check is no oracle: the answer says only whether the
plan as a whole conflicts with any (``blind``), never which feature or where, so a plan of many
small features learns no more than one feature would. Every check of a party of a running line
is answered against blind notices, and so spends the party's budget for the hour (the protocol's
``blind_checks_per_hour``), whether or not any blind notice is there: what the budget does
gives nothing away either. Each check is an event on the ledger; each that touches blind
notices is also one for their party, which is told how often other parties' checks touched them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Connection

from clearline.geo.index import Probe
from clearline.geo.projection import projection
from clearline.geo.volumes import to_geojson, volume_footprint
from clearline.model import times
from clearline.model.agreement import PartyCode
from clearline.model.errors import invalid, reason_of
from clearline.model.event import EventType
from clearline.model.notice import ActivityKind, Sharing
from clearline.model.protocol import Protocol, Separation
from clearline.model.user import User
from clearline.model.volume import VolumeIn
from clearline.services.deconfliction import notices
from clearline.services.deconfliction.engine import ConflictEngine
from clearline.services.deconfliction.index import AgreementIndex, NoticeFacts
from clearline.services.deconfliction.screening import Found, screen
from clearline.services.deconfliction.severity import severity
from clearline.store import agreements as agreement_store
from clearline.store import events as event_store

BUDGET_PERIOD = timedelta(hours=1)


class PlanProperties(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str | int = Field(description="The planner's own name for the volume.")
    party: PartyCode
    kind: ActivityKind


@dataclass(frozen=True)
class Plan:
    ids: list[str]
    facts: list[NoticeFacts]
    probe: Probe


def read_plan(collection: Any, protocol: Protocol) -> Plan:
    """The plan's volumes, each checked as a notice volume is; errors name the feature."""
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list) or collection.get("type") != "FeatureCollection":
        raise invalid("plan", "expected a GeoJSON FeatureCollection with a features list")
    area = projection(*protocol.theatre_centre)
    ids, facts, shapes, bands = [], [], [], []
    for index, feature in enumerate(features):
        field = f"features.{index}"
        if not isinstance(feature, dict):
            raise invalid(field, "expected a GeoJSON Feature (an object)")
        properties = feature.get("properties") or {}
        try:
            named = PlanProperties.model_validate(properties)
            volume = VolumeIn.model_validate(
                {
                    k: v
                    for k, v in {**properties, "geometry": feature.get("geometry")}.items()
                    if k in VolumeIn.model_fields
                }
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = [str(p) for p in first["loc"]]
            if loc[:1] == ["geometry"]:  # the geometry's own fields; loc[1] is its type
                where = ".".join(["geometry", *loc[2:]])
            else:
                where = "properties." + (".".join(loc) or "geometry")
            raise invalid(f"{field}.{where}", reason_of(first)) from exc
        ids.append(str(named.id))
        facts.append(NoticeFacts(named.party, named.kind, 0, Sharing.SHARED, 0.0))
        shapes.append(volume_footprint(volume, area, field))
        bands.append(
            (
                volume.alt_lower_ft,
                volume.alt_upper_ft,
                times.epoch(volume.start),
                times.epoch(volume.end),
            )
        )
    if len(set(ids)) != len(ids):
        raise invalid("features", "every feature needs its own id")
    return Plan(ids, facts, Probe.of(shapes, bands))


@dataclass
class Checked:
    """A plan's conflicts that the asker may see, and the blind notices it touched, by party."""

    features: list[dict[str, Any]]
    blind: dict[str, set[int]]

    def collection(self) -> dict[str, Any]:
        return {"type": "FeatureCollection", "features": self.features}


def check(
    collection: Any,
    separation: Separation | None,
    now: datetime,
    protocol: Protocol | None = None,
    filed: AgreementIndex | None = None,
    viewer: str | None = None,
) -> Checked:
    """Conflicts among the plan's volumes, and with ``filed`` if given, as GeoJSON; blind
    notices of parties other than ``viewer``, where one is given, are only noted, by party."""
    protocol = protocol or Protocol()
    if separation is not None:
        protocol = protocol.model_copy(update={"separation": separation})
    plan = read_plan(collection, protocol)
    scratch = AgreementIndex("plan", (), projection(*protocol.theatre_centre))
    for key, facts in enumerate(plan.facts):
        scratch.index_notice(key, facts, plan.probe.pick(slice(key, key + 1)))
    found: dict[str, dict[str, Any]] = {}
    blind: dict[str, set[int]] = {}
    for key, facts in enumerate(plan.facts):
        probe = plan.probe.pick(slice(key, key + 1))
        for clash in screen(scratch, key, facts, probe, protocol, _never):
            other = clash.b.side.notice_id
            assert other is not None
            pair = tuple(sorted((plan.ids[key], plan.ids[other])))
            found.setdefault(
                f"plan:{pair}",
                _feature(clash, plan.ids[key], plan.ids[other], scratch, protocol, now),
            )
        if filed is None:
            continue
        for clash in screen(filed, -1 - key, facts, probe, protocol, _never):
            side = clash.b.side
            if viewer is not None and side.blind and side.party not in (viewer, None):
                assert side.notice_id is not None
                blind.setdefault(side.party, set()).add(side.notice_id)
                continue
            found[f"filed:{key}:{clash.b.match_key}"] = _feature(
                clash, plan.ids[key], _filed_name(side), filed, protocol, now
            )
    return Checked(list(found.values()), blind)


def check_filed(
    connection: Connection,
    user: User,
    collection: Any,
    separation: Separation | None,
    agreement: str | None,
    conflict_engine: ConflictEngine,
    now: datetime,
) -> dict[str, Any]:
    """``check`` for a party of a running line, against its agreement's filed notices, with
    what it may learn of blind notices (``blind``). Runs in the writer: the budget it spends
    and the events it records are one transaction."""
    agreement_id = notices.agreement_for(connection, user.party, agreement)
    protocol = agreement_store.protocol_in_force(connection, agreement_id, now)
    index = conflict_engine.index(connection, agreement_id)
    found = check(collection, separation, now, protocol, index, user.party)
    answer = found.collection()
    answer["blind"] = _blind(connection, user.party, agreement_id, found.blind, protocol, now)
    return answer


def _blind(
    connection: Connection,
    party: str,
    agreement_id: str,
    touched: dict[str, set[int]],
    protocol: Protocol,
    now: datetime,
) -> dict[str, Any]:
    """What the asker learns of blind notices: whether the plan as a whole conflicts with any,
    while its budget lasts. A spent budget hides the answer whether or not there is one, so
    that being refused tells nothing either."""
    budget = protocol.blind_checks_per_hour
    used = event_store.count_since(
        connection, EventType.PLAN_CHECKED, agreement_id, party, now - BUDGET_PERIOD
    )
    if used >= budget:
        return {
            "checked": False,
            "reason": f"your party has used its {budget} what-if checks against blind notices "
            "of other parties this hour; blind notices were not checked",
            "budget_left": 0,
        }
    _record(connection, party, agreement_id, touched, now)
    return {"checked": True, "conflicts": bool(touched), "budget_left": budget - used - 1}


def _record(
    connection: Connection,
    party: str,
    agreement_id: str,
    touched: dict[str, set[int]],
    now: datetime,
) -> None:
    """On the ledger: for the asker, its check; for each owner of blind notices it touched,
    which of them and by whom, never the plan."""
    event_store.append(
        connection, EventType.PLAN_CHECKED, now, agreement_id, [party], {"check": {"by": party}}
    )
    for owner, notice_ids in sorted(touched.items()):
        payload = {"touched": {"by": party, "notices": sorted(notice_ids)}}
        event_store.append(
            connection, EventType.NOTICE_TOUCHED, now, agreement_id, [owner], payload
        )


def touches(
    connection: Connection, party: str, agreement: str | None, since: datetime
) -> list[dict[str, Any]]:
    """How often other parties' what-if checks touched ``party``'s blind notices since
    ``since``: per asking party and notice, a count and the last time."""
    agreement_id = notices.agreement_for(connection, party, agreement)
    counted: dict[tuple[str, int], dict[str, Any]] = {}
    for event in event_store.of_type_since(
        connection, EventType.NOTICE_TOUCHED, agreement_id, party, since
    ):
        check = event.payload["touched"]
        for notice_id in check["notices"]:
            entry = counted.setdefault(
                (check["by"], notice_id), {"by": check["by"], "notice_id": notice_id, "checks": 0}
            )
            entry["checks"] += 1
            entry["last"] = event.time
    return sorted(counted.values(), key=lambda e: (e["notice_id"], e["by"]))


def _never(*_: Any) -> bool:
    return False


def _filed_name(side: Any) -> str:
    """How a filed side is named to whoever may see it: a blind notice, to an administrator
    checking on the store, by its party alone."""
    if side.notice_id is not None:
        return f"blind notice of {side.party}" if side.blind else f"notice {side.notice_id}"
    if side.zone_id is not None:
        return f"zone {side.zone_id}"
    return f"position {side.position_id}"


def _feature(
    clash: Found, a: str, b: str, index: AgreementIndex, protocol: Protocol, now: datetime
) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": to_geojson(clash.region, index.projection),
        "properties": {
            "a": a,
            "b": b,
            "source": clash.b.source,
            "parties": list(clash.b.parties),
            "severity": severity(clash, now, protocol.urgency),
            "overlap": clash.overlap,
            "window_start": times.moment(clash.start).isoformat(),
            "window_end": times.moment(clash.end).isoformat(),
        },
    }
