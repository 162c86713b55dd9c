"""Setting up an agreement: a line between the pairs its protocol names, every pair where it
names none, and a pair naming a party outside the agreement refused before anything is stored."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection
from sqlalchemy.engine import Engine

from clearline.clock import FixedClock
from clearline.model.agreement import Party
from clearline.model.errors import ClearlineError
from clearline.model.protocol import Protocol
from clearline.services.agreements import create_agreement
from clearline.store import agreements as agreement_store
from clearline.store.writer import run_now

PARTIES = [Party(code=code, name=code) for code in ("IL", "RU", "TR")]


def lines_made(engine: Engine, clock: FixedClock, protocol: Protocol) -> list[tuple[str, str]]:
    def create(connection: Connection) -> list[tuple[str, str]]:
        create_agreement(connection, "three", "Three", PARTIES, [], clock.now(), protocol)
        found = agreement_store.lines_of_agreements(connection, ["three"])
        return [(line.party_a, line.party_b) for line in found]

    return run_now(engine, create)


def test_every_pair_has_a_line_unless_the_protocol_names_the_pairs(
    engine: Engine, clock: FixedClock
) -> None:
    assert lines_made(engine, clock, Protocol()) == [("IL", "RU"), ("IL", "TR"), ("RU", "TR")]


def test_only_the_pairs_the_protocol_names_have_a_line(engine: Engine, clock: FixedClock) -> None:
    protocol = Protocol(line_pairs=(("TR", "IL"), ("RU", "IL")))
    assert lines_made(engine, clock, protocol) == [("IL", "TR"), ("IL", "RU")]


def test_a_pair_naming_a_party_outside_the_agreement_is_refused(
    engine: Engine, clock: FixedClock
) -> None:
    protocol = Protocol(line_pairs=(("IL", "TR"), ("IL", "AZ")))
    with pytest.raises(ClearlineError) as refused:
        lines_made(engine, clock, protocol)
    assert (refused.value.field, refused.value.reason) == (
        "protocol.line_pairs",
        "AZ is not a party to it",
    )
    assert run_now(engine, lambda c: agreement_store.agreement_exists(c, "three")) is False
