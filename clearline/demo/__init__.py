"""The demo line: Israel and Turkey over Syria, with Azerbaijan mediating (Baku talks, 2025)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from clearline.model.agreement import Party
from clearline.model.user import Language, Role
from clearline.services.access import accounts
from clearline.services.access import tokens as token_service
from clearline.services.agreements import create_agreement

AGREEMENT_ID = "il-tr-syria"
ISRAEL = Party(code="IL", name="Israel Defense Forces")
TURKEY = Party(code="TR", name="Turkish Armed Forces")
AZERBAIJAN = Party(code="AZ", name="Republic of Azerbaijan (mediator)")
PARTY_ROLES = (
    Role.DUTY_OFFICER,
    Role.WATCH_COMMANDER,
    Role.LIAISON_OFFICER,
    Role.SYSTEM,
    Role.AUDITOR,
)
LANGUAGE = {"IL": Language.HE, "TR": Language.TR, "AZ": Language.EN}

Tokens = dict[str, dict[str, str]]


def user_name(party: str, role: str) -> str:
    """The demo user of ``party`` in ``role``: ``il-duty-officer``, ``az-mediator``."""
    return f"{party.lower()}-{role.replace('_', '-')}"


def create_demo(connection: Connection, now: datetime) -> Tokens:
    """The agreement, one user of every role per party, and a token each, by party and role."""
    create_agreement(
        connection,
        AGREEMENT_ID,
        "Israel–Turkey deconfliction line (Syria)",
        [ISRAEL, TURKEY],
        [AZERBAIJAN],
        now,
    )
    tokens: Tokens = {}
    cast = [(p, r) for p in ("IL", "TR") for r in PARTY_ROLES] + [("AZ", Role.MEDIATOR)]
    for party, role in cast:
        name = user_name(party, role)
        accounts.add_user(connection, name, party, role, LANGUAGE[party], now)
        tokens.setdefault(party, {})[role] = token_service.create(connection, name, "demo", now)
    return tokens
