"""Notices: what a party is about to do, where and when, filed before it does it."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from clearline.model.agreement import PartyCode
from clearline.model.fields import Text
from clearline.model.volume import VolumeIn

MAX_VOLUMES = 50
MAX_NOTICE_TEXT = 2_000


class ActivityKind(StrEnum):
    AIR_STRIKE = "air_strike"
    AIR_PATROL = "air_patrol"
    UAV_FLIGHT = "uav_flight"
    GROUND_MOVEMENT = "ground_movement"
    ARTILLERY_FIRE = "artillery_fire"
    AIR_DEFENCE_DEPLOYMENT = "air_defence_deployment"
    RADAR_EW_EMISSION = "radar_ew_emission"
    JOINT_PATROL = "joint_patrol"
    EXERCISE = "exercise"


STRIKE_KINDS = frozenset(
    {ActivityKind.AIR_STRIKE, ActivityKind.ARTILLERY_FIRE, ActivityKind.AIR_DEFENCE_DEPLOYMENT}
)
"""Kinds that are checked against the other parties' declared positions (the standoff)."""


class NoticeState(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    ENDED = "ended"
    CANCELLED = "cancelled"

    @property
    def live(self) -> bool:
        """Planned and active notices are the ones that can still clash."""
        return self in (NoticeState.PLANNED, NoticeState.ACTIVE)


class Sharing(StrEnum):
    SHARED = "shared"
    """The agreement's other parties see the notice."""
    BLIND = "blind"
    """Only the hub sees it; others learn only the conflicts it causes, region and window."""


class NoticeRequest(BaseModel):
    """What a party files: the kind of activity and where and when it happens."""

    model_config = ConfigDict(extra="forbid")

    kind: ActivityKind
    volumes: list[VolumeIn] = Field(min_length=1, max_length=MAX_VOLUMES)
    sharing: Sharing | None = Field(default=None, description="Absent: the protocol's default.")
    free_text: Text | None = Field(default=None, max_length=MAX_NOTICE_TEXT)
    agreement: str | None = Field(
        default=None, description="Needed only where the party is in several agreements."
    )

    def fingerprint(self) -> str:
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()


class AmendRequest(BaseModel):
    """A new version: the volumes as they now are, and optionally new sharing or text."""

    model_config = ConfigDict(extra="forbid")

    volumes: list[VolumeIn] = Field(min_length=1, max_length=MAX_VOLUMES)
    sharing: Sharing | None = None
    free_text: Text | None = Field(default=None, max_length=MAX_NOTICE_TEXT)


class Volume(BaseModel):
    """A volume as stored: what the client sent and the footprint it stands for (GeoJSON)."""

    model_config = ConfigDict(frozen=True)

    input: dict[str, Any]
    footprint: dict[str, Any]
    alt_lower_ft: float
    alt_upper_ft: float
    start: datetime
    end: datetime

    @property
    def circle(self) -> tuple[float, float, float] | None:
        """Longitude, latitude and radius in metres of a volume drawn as a Circle; None for
        any other: formats that have circles keep them, the rest take the footprint."""
        geometry = self.input.get("geometry") or {}
        if geometry.get("type") != "Circle":
            return None
        lon, lat = geometry["coordinates"][:2]
        return float(lon), float(lat), float(geometry["radius_m"])


class NoticeVersion(BaseModel):
    model_config = ConfigDict(frozen=True)

    version: int
    volumes: tuple[Volume, ...]
    sharing: Sharing
    free_text: str | None
    filed_at: datetime
    filed_by: int
    lead_s: float = Field(description="From filing to the earliest start.")
    late_s: float = Field(description="How far short of the protocol's lead time; 0 if on time.")
    protocol_version: int = Field(description="The protocol version its lead time came from.")


class Notice(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    agreement_id: str
    party: PartyCode
    kind: ActivityKind
    state: NoticeState
    created_at: datetime
    updated_at: datetime
    versions: tuple[NoticeVersion, ...] = Field(description="Oldest first; the last is current.")

    @property
    def current(self) -> NoticeVersion:
        return self.versions[-1]

    @property
    def start(self) -> datetime:
        return min(v.start for v in self.current.volumes)

    @property
    def end(self) -> datetime:
        return max(v.end for v in self.current.volumes)
