"""What-if for planners: a plan's volumes checked against each other and against what is filed,
with nothing filed and nothing told to anyone.

A plan is a GeoJSON FeatureCollection whose features are volumes: the geometry as for a notice
volume, and properties ``id``, ``party``, ``kind``, ``alt_lower_ft``, ``alt_upper_ft``,
``start``, ``end`` (and ``radius_m`` or ``width_m`` where the geometry needs it). The answer is a
FeatureCollection of conflicts, each the clash region with the ids of both sides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Connection

from clearline.geo.index import Probe
from clearline.geo.projection import projection
from clearline.geo.volumes import to_geojson, volume_footprint
from clearline.model.agreement import PartyCode
from clearline.model.errors import invalid, reason_of
from clearline.model.notice import ActivityKind, Sharing
from clearline.model.protocol import Protocol, Separation
from clearline.model.user import User
from clearline.model.volume import VolumeIn
from clearline.services import engine, notices
from clearline.store import agreements as agreement_store


class PlanProperties(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str | int = Field(description="The planner's own name for the volume.")
    party: PartyCode
    kind: ActivityKind


@dataclass(frozen=True)
class Plan:
    ids: list[str]
    facts: list[engine.NoticeFacts]
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
        facts.append(engine.NoticeFacts(named.party, named.kind, 0, Sharing.SHARED, 0.0))
        shapes.append(volume_footprint(volume, area, field))
        bands.append(
            (
                volume.alt_lower_ft,
                volume.alt_upper_ft,
                engine.epoch(volume.start),
                engine.epoch(volume.end),
            )
        )
    if len(set(ids)) != len(ids):
        raise invalid("features", "every feature needs its own id")
    return Plan(ids, facts, Probe.of(shapes, bands))


def check(
    collection: Any,
    separation: Separation | None,
    now: datetime,
    protocol: Protocol | None = None,
    filed: engine.Theatre | None = None,
    viewer: str | None = None,
) -> dict[str, Any]:
    """Conflicts among the plan's volumes, and with ``filed`` if given, as GeoJSON."""
    protocol = protocol or Protocol()
    if separation is not None:
        protocol = protocol.model_copy(update={"separation": separation})
    plan = read_plan(collection, protocol)
    scratch = engine.Theatre("plan", (), projection(*protocol.theatre_centre))
    for key, facts in enumerate(plan.facts):
        scratch.index_notice(key, facts, plan.probe.pick(slice(key, key + 1)))
    found: dict[str, dict[str, Any]] = {}
    for key, facts in enumerate(plan.facts):
        probe = plan.probe.pick(slice(key, key + 1))
        for clash in engine.screen(scratch, key, facts, probe, protocol, _never):
            other = clash.b.side.notice_id
            assert other is not None
            pair = tuple(sorted((plan.ids[key], plan.ids[other])))
            found.setdefault(
                f"plan:{pair}", _feature(clash, plan.ids[key], plan.ids[other], scratch, now)
            )
        if filed is not None:
            for clash in engine.screen(filed, -1 - key, facts, probe, protocol, _never):
                found[f"filed:{key}:{clash.b.match_key}"] = _feature(
                    clash, plan.ids[key], _filed_name(clash.b.side, viewer), filed, now
                )
    return {"type": "FeatureCollection", "features": list(found.values())}


def check_filed(
    connection: Connection,
    user: User,
    collection: Any,
    separation: Separation | None,
    screen: engine.ConflictEngine,
    now: datetime,
) -> dict[str, Any]:
    """``check`` for a party of a running line, against its agreement's filed notices."""
    agreement_id = notices.agreement_for(connection, user.party, None)
    protocol = agreement_store.protocol_in_force(connection, agreement_id)
    theatre = screen.theatre(connection, agreement_id)
    return check(collection, separation, now, protocol, theatre, user.party)


def _never(*_: Any) -> bool:
    return False


def _filed_name(side: Any, viewer: str | None) -> str:
    if side.notice_id is not None:
        hidden = side.blind and side.party != viewer
        return f"blind notice of {side.party}" if hidden else f"notice {side.notice_id}"
    if side.zone_id is not None:
        return f"zone {side.zone_id}"
    return f"position {side.position_id}"


def _feature(
    clash: engine.Found, a: str, b: str, theatre: engine.Theatre, now: datetime
) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": to_geojson(clash.region, theatre.projection),
        "properties": {
            "a": a,
            "b": b,
            "source": clash.b.source,
            "parties": list(clash.b.parties),
            "severity": engine.severity(clash, now),
            "overlap": clash.overlap,
            "window_start": engine.moment(clash.start).isoformat(),
            "window_end": engine.moment(clash.end).isoformat(),
        },
    }
