"""The conflict engine keeps each agreement's index beside the store, never ahead of it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine

from clearline import demo
from clearline.services.deconfliction.engine import ConflictEngine
from clearline.services.deconfliction.index import AgreementIndex
from clearline.store.writer import run_now


def test_a_failed_write_makes_the_engine_forget_what_it_indexed(
    engine: Engine, tokens: demo.Tokens
) -> None:
    """The index lives beside the store: a write that rolls back must not leave its changes in
    memory. The agreement's index is dropped and rebuilt from the store on next use."""
    conflicts = ConflictEngine()

    def index(connection: Any) -> AgreementIndex:
        return conflicts.index(connection, demo.AGREEMENT_ID)

    def change_then_fail(connection: Any) -> None:
        index(connection).drop_notice(1)
        raise RuntimeError("the disk is full")

    before = run_now(engine, index)
    assert run_now(engine, index) is before  # kept while writes succeed
    with pytest.raises(RuntimeError):
        run_now(engine, change_then_fail)
    assert run_now(engine, index) is not before
