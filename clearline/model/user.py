"""People and systems that act on the line, each for one party."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from clearline.model.agreement import PartyCode


class Role(StrEnum):
    DUTY_OFFICER = "duty_officer"
    WATCH_COMMANDER = "watch_commander"
    LIAISON_OFFICER = "liaison_officer"
    SYSTEM = "system"
    MEDIATOR = "mediator"
    AUDITOR = "auditor"


class Language(StrEnum):
    EN = "en"
    HE = "he"
    TR = "tr"


HUMAN_WATCH_ROLES = frozenset({Role.DUTY_OFFICER, Role.WATCH_COMMANDER, Role.LIAISON_OFFICER})
"""Roles whose acknowledgement means a human on the watch has read a message."""

SENDING_ROLES = HUMAN_WATCH_ROLES | {Role.SYSTEM}
"""Roles that may put messages on the line; auditors and mediators only read."""


class User(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    party: PartyCode
    role: Role
    language: Language

    @property
    def is_watch(self) -> bool:
        return self.role in HUMAN_WATCH_ROLES
