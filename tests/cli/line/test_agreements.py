"""`clearline agreement open|list` against a real server: the installation's operator, set up
with `user add --role operator` on the node's database, opens TR–RU–IR with Kazakhstan
mediating and its protocol from a YAML file; Turkey then lists both its agreements, Israel
only its own; a bad request is one line naming the field."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import clearline, refused, run_as, said
from tests.support.server import Api, demo_line, serve

ASTANA = (
    "agreement open tr-ru-ir-syria --name Astana --party 'TR=Turkish Armed Forces' "
    "--party RU=Russia --party IR=Iran --mediator KZ=Kazakhstan --protocol"
)


@pytest.fixture(scope="module")
def line(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    folder = tmp_path_factory.mktemp("agreements")
    db, tokens = demo_line(folder)
    said(clearline("user add ops --role operator --db", str(db)))
    tokens["ZZ"] = {"operator": said(clearline("token create ops --label ci --db", str(db)))}
    with serve(db) as server, Api(server, tokens) as api:
        yield api


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    path = tmp_path / "astana.yaml"
    path.write_text("line_pairs:\n  - [TR, RU]\n  - [RU, IR]\nline_check_interval_s: 1800\n")
    return path


@pytest.mark.parametrize("command", ["open", "list"])
def test_help_of_every_agreement_command_shows_an_example(command: str) -> None:
    shown = " ".join(said(clearline(f"agreement {command}", "--help")).split())
    assert f"Example: clearline agreement {command}" in shown


def test_the_operator_opens_an_agreement_that_its_parties_then_list(line: Api, rules: Path) -> None:
    opened = said(run_as(line, "ZZ", "operator", ASTANA, str(rules)))
    assert opened == "agreement tr-ru-ir-syria opened; lines RU–TR, IR–RU"
    turkey = said(run_as(line, "TR", "duty_officer", "agreement list"))
    assert "il-tr-syria" in turkey and "tr-ru-ir-syria" in turkey and "KZ" in turkey
    israel = said(run_as(line, "IL", "duty_officer", "agreement list"))
    assert "il-tr-syria" in israel and "tr-ru-ir-syria" not in israel
    shown = said(run_as(line, "TR", "duty_officer", "protocol show --agreement tr-ru-ir-syria"))
    assert '"line_check_interval_s":1800' in shown


def test_agreement_refusals_are_one_line_naming_the_field(line: Api, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("separation:\n  horizontal_m: -5\n")
    refused(
        run_as(line, "ZZ", "operator", ASTANA.replace("tr-ru-ir", "x"), str(bad)), "horizontal_m"
    )
    refused(
        run_as(line, "TR", "liaison_officer", ASTANA.replace("tr-ru-ir", "y"), str(bad)), "role"
    )
    refused(run_as(line, "ZZ", "operator", "inbox"), "role")
