"""The agreed rules of a line, versioned. Version 1 carries the defaults below."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from clearline.model.message import Precedence
from clearline.model.user import Language, Role


def _default_deadlines() -> dict[Precedence, int]:
    return {
        Precedence.FLASH: 120,
        Precedence.IMMEDIATE: 600,
        Precedence.PRIORITY: 3_600,
        Precedence.ROUTINE: 21_600,
    }


class Protocol(BaseModel):
    """What both sides agreed: how fast a human must answer and whom to wake up if not."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = Field(default=1, ge=1)
    ack_deadline_s: dict[Precedence, int] = Field(default_factory=_default_deadlines)
    escalation_ladder: tuple[Role, ...] = (
        Role.DUTY_OFFICER,
        Role.WATCH_COMMANDER,
        Role.LIAISON_OFFICER,
    )
    line_check_interval_s: int = Field(default=3_600, gt=0)
    line_check_deadline_s: int = Field(default=120, gt=0)
    languages: tuple[Language, ...] = (Language.EN, Language.HE, Language.TR)

    @model_validator(mode="after")
    def _every_precedence_has_a_deadline(self) -> Protocol:
        missing = set(Precedence) - set(self.ack_deadline_s)
        if missing:
            raise ValueError(f"ack_deadline_s lacks {sorted(missing)}")
        if any(s <= 0 for s in self.ack_deadline_s.values()):
            raise ValueError("ack_deadline_s values must be positive")
        if not self.escalation_ladder:
            raise ValueError("escalation_ladder needs at least one role")
        return self

    def deadline_s(self, precedence: Precedence) -> int:
        return self.ack_deadline_s[precedence]
