"""The agreed rules of a line, versioned. Version 1 carries the defaults below."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, PositiveInt, model_validator

from clearline.model.agreement import PartyCode
from clearline.model.message import Precedence
from clearline.model.notice import ActivityKind, Sharing
from clearline.model.track import TrackRules
from clearline.model.user import Language, Role
from clearline.model.wellclear import WellClear


def _default_deadlines() -> dict[Precedence, int]:
    return {
        Precedence.FLASH: 120,
        Precedence.IMMEDIATE: 600,
        Precedence.PRIORITY: 3_600,
        Precedence.ROUTINE: 21_600,
    }


def _default_lead_times() -> dict[ActivityKind, int]:
    minutes, hours = 60, 3_600
    return {
        ActivityKind.AIR_STRIKE: 15 * minutes,
        ActivityKind.AIR_PATROL: 60 * minutes,
        ActivityKind.UAV_FLIGHT: 30 * minutes,
        ActivityKind.GROUND_MOVEMENT: 60 * minutes,
        ActivityKind.ARTILLERY_FIRE: 30 * minutes,
        ActivityKind.AIR_DEFENCE_DEPLOYMENT: 72 * hours,
        ActivityKind.RADAR_EW_EMISSION: 60 * minutes,
        ActivityKind.JOINT_PATROL: 60 * minutes,
        ActivityKind.EXERCISE: 72 * hours,
    }


class Separation(BaseModel):
    """The least separation both sides agreed; reaching it is losing it (see ``geo.index``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    horizontal_m: float = Field(default=5_000, ge=0)
    vertical_ft: float = Field(default=1_000, ge=0)
    time_s: float = Field(default=300, ge=0)


class Urgency(BaseModel):
    """When a clash counts as soon, and as imminent: each raises its severity a step, and an
    alert for a clash due soon is carried one precedence higher."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    soon_s: int = Field(default=3_600, gt=0)
    imminent_s: int = Field(default=900, gt=0)

    @model_validator(mode="after")
    def _imminent_is_sooner(self) -> Urgency:
        if self.imminent_s > self.soon_s:
            raise ValueError("imminent_s must not be longer than soon_s")
        return self


class Protocol(BaseModel):
    """What both sides agreed: how fast a human must answer and whom to wake up if not."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = Field(default=1, ge=1)
    ack_deadline_s: dict[Precedence, PositiveInt] = Field(default_factory=_default_deadlines)
    escalation_ladder: tuple[Role, ...] = (
        Role.DUTY_OFFICER,
        Role.WATCH_COMMANDER,
        Role.LIAISON_OFFICER,
    )
    line_check_interval_s: int = Field(default=3_600, gt=0)
    line_check_deadline_s: int = Field(default=120, gt=0)
    languages: tuple[Language, ...] = (Language.EN, Language.HE, Language.TR)
    lead_time_s: dict[ActivityKind, NonNegativeInt] = Field(default_factory=_default_lead_times)
    default_sharing: Sharing = Field(
        default=Sharing.SHARED, description="How a notice filed without a sharing is shared."
    )
    parties: tuple[PartyCode, ...] | None = Field(
        default=None,
        exclude_if=lambda parties: parties is None,
        description="The agreement's parties (not its mediators); absent: those it was set up "
        "with. An amendment that changes them is how a party joins or leaves: it needs the "
        "signature of every party before and after. Left out of the document while absent, "
        "so that a version without it hashes as it always did.",
    )
    line_pairs: tuple[tuple[PartyCode, PartyCode], ...] | None = Field(
        default=None,
        description="The pairs of parties that have a line; absent: every pair of the "
        "agreement's parties. Each pair is two parties of the agreement.",
    )
    separation: Separation = Field(default_factory=Separation)
    urgency: Urgency = Field(default_factory=Urgency)
    max_window_s: int = Field(default=7 * 86_400, gt=0)
    standoff_m: float = Field(default=5_000, ge=0)
    blind_checks_per_hour: int = Field(
        default=20,
        ge=0,
        description="What-if checks a party may make in an hour that are answered against "
        "other parties' blind notices; past it, blind notices are not checked (and the answer "
        "says so, whether or not the plan touches any).",
    )
    position_precision_m: int = Field(
        default=1_000, description="Declared positions snap to MGRS squares of this size."
    )
    theatre_centre: tuple[float, float] = Field(
        default=(34.8, 38.5),
        description="Latitude and longitude the metric projection is centred on (Syria).",
    )
    # Where and when input may be: past these bounds a place or time is a typing mistake
    # (a sign dropped from a longitude, a year written 9999), and is refused, not taken.
    theatre_radius_m: float = Field(
        default=1_000_000,
        gt=0,
        le=5_000_000,
        description="The theatre: every place within this distance of theatre_centre. A notice, "
        "zone, track report or message location beyond it is refused. The default (1,000 km) "
        "takes in Syria and its neighbours; the metric projection is exact in distance from "
        "the centre and good to 0.1 % within 450 km of it.",
    )
    notice_horizon_s: int = Field(
        default=365 * 86_400, gt=0, description="A notice may start at most this far ahead."
    )
    report_age_s: int = Field(
        default=7 * 86_400,
        gt=0,
        description="What a message reports as past (an incident's occurred_at, a sighting's "
        "observed_at) may be at most this old.",
    )
    clock_skew_s: int = Field(
        default=300,
        ge=0,
        description="How far ahead of the line's clock a reported past time may be, for a "
        "sender's clock running fast. Track reports have their own, tighter bounds (tracks).",
    )
    amendment_notice_s: int = Field(
        default=0,
        ge=0,
        description="How long after it is proposed an amendment may take effect at the "
        "earliest: time for every party to read and sign it.",
    )
    second_factor_for_liaison: bool = Field(
        default=False,
        exclude_if=lambda wanted: not wanted,
        description="Whether a liaison officer's console sign-in needs a second factor (TOTP) "
        "as well as the password. Left out of the document while false, so that a version "
        "without it hashes as it always did.",
    )
    well_clear: WellClear = Field(default_factory=WellClear)
    tracks: TrackRules = Field(default_factory=TrackRules)

    @model_validator(mode="after")
    def _every_precedence_has_a_deadline(self) -> Protocol:
        missing = set(Precedence) - set(self.ack_deadline_s)
        if missing:
            raise ValueError(f"ack_deadline_s lacks {sorted(missing)}")
        if set(ActivityKind) - set(self.lead_time_s):
            raise ValueError(
                f"lead_time_s lacks {sorted(set(ActivityKind) - set(self.lead_time_s))}"
            )
        if self.position_precision_m not in (1, 10, 100, 1_000, 10_000):
            raise ValueError("position_precision_m must be 1, 10, 100, 1000 or 10000 (MGRS)")
        if not self.escalation_ladder:
            raise ValueError("escalation_ladder needs at least one role")
        self._lines_are_pairs()
        if self.parties is not None and (
            len(self.parties) < 2 or len(set(self.parties)) != len(self.parties)
        ):
            raise ValueError("parties: at least two, each once")
        return self

    def _lines_are_pairs(self) -> None:
        """Each line joins two parties, once: a line to oneself or a second line between the
        same two would carry every message twice, or to nobody."""
        if self.line_pairs is None:
            return
        if not self.line_pairs:
            raise ValueError("line_pairs: name at least one pair, or leave it out for every pair")
        if any(a == b for a, b in self.line_pairs):
            raise ValueError("line_pairs: a line joins two different parties")
        if len({frozenset(pair) for pair in self.line_pairs}) != len(self.line_pairs):
            raise ValueError("line_pairs: a pair is named twice")

    def deadline_s(self, precedence: Precedence) -> int:
        return self.ack_deadline_s[precedence]
