"""People and systems that act on the line, each for one party."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from clearline.model.agreement import PartyCode


class Role(StrEnum):
    DUTY_OFFICER = "duty_officer"
    WATCH_COMMANDER = "watch_commander"
    LIAISON_OFFICER = "liaison_officer"
    SYSTEM = "system"
    MEDIATOR = "mediator"
    AUDITOR = "auditor"
    OPERATOR = "operator"


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
    active: bool = Field(
        default=True, description="A deactivated user's sign-ins and tokens are all refused."
    )
    second_factor: bool = Field(
        default=False, description="Whether its console sign-in takes a TOTP code as well."
    )

    @property
    def is_watch(self) -> bool:
        return self.role in HUMAN_WATCH_ROLES


MEDIATOR_ROLES = frozenset({Role.MEDIATOR})
"""The roles a mediating party's people hold: it reads figures and comments, nothing else."""
PARTY_ROLES = frozenset(Role) - MEDIATOR_ROLES - {Role.OPERATOR}
"""The roles a party's people hold."""


class UserRequest(BaseModel):
    """A person or system a liaison officer adds to its own party."""

    name: str = Field(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    role: Role
    language: Language = Language.EN
    password: str | None = Field(
        default=None,
        min_length=8,
        max_length=200,
        description="For the console; none for a system.",
    )


class UserChange(BaseModel):
    """What a liaison officer changes of its party's user: what is left out stays as it is."""

    role: Role | None = None
    language: Language | None = None
    active: bool | None = Field(
        default=None, description="false: every sign-in and token of the user stops at once."
    )


class PasswordReset(BaseModel):
    password: str = Field(min_length=8, max_length=200)
