"""The brake on guessing a console password: a few tries per name, more per address, then a
wait.

Every attempt is written down before its password is checked, and counts as a failure until
it succeeds, so that guesses sent in parallel cannot slip past the count while argon2 works.
A name is throttled whether or not a user has it, and refused in the same words, so the brake
tells a guesser nothing about who exists. The right password during the wait is refused too:
otherwise the wait would only slow a guesser, not stop one.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import Connection

from clearline.model.errors import throttled
from clearline.store import sign_ins

WINDOW = timedelta(minutes=15)
PER_NAME = 5
"""Failures of one name within the window before it waits: enough for a tired officer's typos,
far too few to guess an eight-character password."""
PER_ADDRESS = 20
"""Failures from one address within the window, whatever names they try: one machine
spraying one password across many names."""


def attempt(connection: Connection, name: str, address: str, now: datetime) -> None:
    """Count this attempt, or refuse it, saying how long to wait, if either limit is reached."""
    since = now - WINDOW
    sign_ins.forget_until(connection, since)
    for by, value, limit in (("name", name, PER_NAME), ("address", address, PER_ADDRESS)):
        tried = sign_ins.times(connection, by, value, since)
        if len(tried) >= limit:
            frees_at = tried[len(tried) - limit] + WINDOW
            wait = max(1, math.ceil((frees_at - now).total_seconds()))
            raise throttled(
                by, f"too many failed sign-ins from this {by}; try again in {wait} s", wait
            )
    sign_ins.record(connection, name, address, now)


def succeeded(connection: Connection, name: str) -> None:
    """A right password clears its name's failures (not the address's other names')."""
    sign_ins.forget_name(connection, name)
