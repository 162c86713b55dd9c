"""`clearline protocol show|diff` against a real server, with a version 2 stored beside the
version in force: the document as the line sends it, in JSON or YAML, the diff as a table, and
one line on stderr naming the field for an unknown agreement or version."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import rfc8785
import yaml

from clearline.model.message import Precedence
from clearline.model.protocol import Protocol
from clearline.store import agreements as agreement_store
from clearline.store.database import create_engine, database_url
from clearline.store.writer import run_now
from tests.support.cli import AGREEMENT, refused, rows, run_as, said
from tests.support.server import Api, demo_line, serve


@pytest.fixture(scope="module")
def line(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The demo line, with a version 2 (a FLASH deadline of 90 s) stored but not in force."""
    db, tokens = demo_line(tmp_path_factory.mktemp("protocol"))
    v1 = Protocol()
    v2 = v1.model_copy(
        update={"version": 2, "ack_deadline_s": {**v1.ack_deadline_s, Precedence.FLASH: 90}}
    )
    engine = create_engine(database_url(str(db)))
    now = datetime.now(UTC)
    run_now(engine, lambda c: agreement_store.insert_protocol(c, AGREEMENT, v2, now))
    engine.dispose()
    with serve(db) as server, Api(server, tokens) as api:
        yield api


@pytest.mark.slow
def test_show_prints_the_version_in_force_as_canonical_json_and_a_version_as_yaml(
    line: Api,
) -> None:
    shown = said(run_as(line, "IL", "duty_officer", "protocol show"))
    assert shown.encode() == rfc8785.dumps(Protocol().model_dump(mode="json"))
    text = said(run_as(line, "AZ", "mediator", "protocol show --version 2 --format yaml"))
    assert yaml.safe_load(text)["ack_deadline_s"]["FLASH"] == 90
    named = run_as(line, "TR", "duty_officer", f"protocol show --agreement {AGREEMENT}")
    assert said(named) == shown


@pytest.mark.slow
def test_diff_prints_each_rule_that_changed_and_nothing_for_the_same_version(line: Api) -> None:
    table = rows(said(run_as(line, "TR", "watch_commander", "protocol diff 1 2")))
    assert list(table.values()) == [
        ["version", "1", "2"],
        ["ack_deadline_s.FLASH", "120", "90"],
    ]
    same = said(run_as(line, "TR", "watch_commander", "protocol diff 2 2"))
    assert same == "no changes from version 2 to version 2"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "field"),
    [
        ("protocol show --version 7", "version"),
        ("protocol show --agreement no-such-line", "agreement_id"),
        ("protocol diff 1 7", "to"),
        ("protocol diff 7 1", "from"),
        ("protocol show --format xml", "--format"),
    ],
)
def test_bad_input_is_one_line_naming_the_field(line: Api, command: str, field: str) -> None:
    refused(run_as(line, "IL", "duty_officer", command), field)
