"""`clearline token create`: a token that authenticates its user, printed once."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.cli import clearline, refused, said, whoami
from tests.support.server import demo_line


def test_token_create_prints_a_token_that_authenticates_its_user(tmp_path: Path) -> None:
    db, _ = demo_line(tmp_path)
    command = "user add il-duty-2 --party IL --role duty_officer --language he --db"
    added = said(clearline(command, str(db)))
    assert re.fullmatch(r"user il-duty-2 \(id \d+\) added: duty_officer of IL", added)

    token = said(clearline("token create il-duty-2 --label console --db", str(db)))
    assert re.fullmatch(r"cl_\S{20,}", token)
    me = whoami(db, token)
    assert (me["name"], me["party"], me["role"], me["language"]) == (
        "il-duty-2",
        "IL",
        "duty_officer",
        "he",
    )


def test_token_create_for_an_unknown_user_names_user(tmp_path: Path) -> None:
    db, _ = demo_line(tmp_path)
    line = refused(clearline("token create nobody --db", str(db)), "user")
    assert line == "error: user: no user named 'nobody'"
