"""Well-clear thresholds for tactical alerting, as DO-365 defines them and DAIDALUS names them.

The defaults are DO-365's Phase I values (DAIDALUS's ``DWC_Phase_I`` alerter) so that the
reference encounters apply as they are; military jets and drones agree other values in the
protocol. Time to co-altitude (TCOA) is always 0, as in DO-365.
"""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

NMI_M = 1_852.0
FT_M = 0.3048
KNOT_MS = NMI_M / 3_600


class AlertVolume(BaseModel):
    """A well-clear volume: DAIDALUS's DTHR, ZTHR and TTHR (the tau-mod threshold)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    horizontal_m: float = Field(default=0.66 * NMI_M, gt=0)
    vertical_ft: float = Field(default=450, gt=0)
    tau_s: float = Field(default=35, ge=0)


class AlertLevel(BaseModel):
    """One alert level: its volume and how far ahead a predicted violation raises it.

    The early alerting time applies while the level is already shown, so that an alert does
    not flicker off and on at the edge of its alerting time.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    volume: AlertVolume = Field(default_factory=AlertVolume)
    alerting_time_s: float = Field(default=55, gt=0)
    early_alerting_time_s: float = Field(default=75, gt=0)

    @model_validator(mode="after")
    def _early_not_shorter(self) -> Self:
        if self.early_alerting_time_s < self.alerting_time_s:
            raise ValueError("early_alerting_time_s is shorter than alerting_time_s")
        return self


def _phase_one() -> tuple[AlertLevel, ...]:
    return (
        AlertLevel(volume=AlertVolume(vertical_ft=700)),
        AlertLevel(),
        AlertLevel(alerting_time_s=25, early_alerting_time_s=55),
    )


class WellClear(BaseModel):
    """The alerter: levels 1 (preventive), 2 (corrective) and 3 (warning), and its filters."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    levels: tuple[AlertLevel, ...] = Field(default_factory=_phase_one, min_length=1, max_length=3)
    lookahead_s: float = Field(default=180, gt=0)
    m: int = Field(default=2, ge=1, description="M of N: a level shows once M of N steps had it.")
    n: int = Field(default=4, ge=1)
    hysteresis_s: float = Field(
        default=5, ge=0, description="A gap longer than this between steps starts afresh."
    )
    persistence_s: float = Field(
        default=4, ge=0, description="A raised level is held at least this long."
    )

    @model_validator(mode="after")
    def _m_within_n(self) -> Self:
        if self.m > self.n:
            raise ValueError("m is larger than n")
        return self

    def raw(self) -> WellClear:
        """The same alerter with M of N, hysteresis and persistence switched off."""
        return self.model_copy(update={"m": 1, "n": 1, "hysteresis_s": 0, "persistence_s": 0})
