"""`clearline agreement create`: parties that users can then join; bad parties and a taken id
refused in one line naming them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import clearline, refused, said
from tests.support.server import demo_line


def test_agreement_create_sets_up_parties_that_users_can_then_join(tmp_path: Path) -> None:
    db = str(tmp_path / "line.db")
    created = clearline(
        "agreement create il-ru --name 'Israel–Russia' --party IL=Israel --party RU=Russia"
        " --mediator AZ=Azerbaijan --db",
        db,
    )
    assert said(created) == "agreement il-ru created"
    said(clearline("user add ru-duty --party RU --role duty_officer --db", db))
    said(clearline("user add az-mediator --party AZ --role mediator --db", db))


@pytest.mark.parametrize(
    ("parties", "field"),
    [
        ("--party Israel --party RU=Russia", "party"),  # not CODE=Name
        ("--party IL=Israel", "parties"),  # one party is no agreement
        ("--party IL=Israel --party IL=Israel", "parties"),
    ],
    ids=["not-code-equals-name", "one-party", "a-party-twice"],
)
def test_agreement_create_refuses_bad_parties_in_one_line(
    tmp_path: Path, parties: str, field: str
) -> None:
    command = f"agreement create il-ru --name Israel–Russia {parties} --db"
    refused(clearline(command, str(tmp_path / "line.db")), field)


def test_agreement_create_of_an_id_already_taken_names_it(tmp_path: Path) -> None:
    db, _ = demo_line(tmp_path)
    command = "agreement create il-tr-syria --name again --party IL --party TR --db"
    refused(clearline(command, str(db)), "il-tr-syria")


def test_agreement_create_takes_its_protocol_from_a_file(tmp_path: Path) -> None:
    db = str(tmp_path / "line.db")
    rules = tmp_path / "rules.json"
    rules.write_text('{"line_pairs": [["IL", "RU"]], "standoff_m": 3000}')
    command = "agreement create il-ru-ir --name Three --party IL=Israel --party RU=Russia"
    created = clearline(f"{command} --party IR=Iran --protocol {rules} --db", db)
    assert said(created) == "agreement il-ru-ir created"
    rules.write_text('{"standoff_m": -1}')
    refused(clearline(f"{command} --protocol {rules} --db", db), "protocol.standoff_m")
    rules.write_text("[1, 2]")
    refused(clearline(f"{command} --protocol {rules} --db", db), "file")


def test_an_operator_has_no_party_and_a_party_s_user_needs_one(tmp_path: Path) -> None:
    db = str(tmp_path / "line.db")
    added = said(clearline("user add ops --role operator --db", db))
    assert added.startswith("user ops (id ") and added.endswith("operator of ZZ")
    refused(clearline("user add il-x --role duty_officer --db", db), "party")
    clearline("agreement create il-ru --name Two --party IL=Israel --party RU=Russia --db", db)
    refused(clearline("user add il-ops --party IL --role operator --db", db), "role")
