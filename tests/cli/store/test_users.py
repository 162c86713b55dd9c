"""`clearline user add` and `clearline user password`, on a database: refusals name the field; a
password set here signs in to the console; a user added while the line runs can use it at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from clearline.api.app import create_app
from clearline.store.database import database_url
from tests.support.cli import BODY, clearline, demo_server, refused, said, sent_id
from tests.support.server import Api, demo_line


def test_user_add_for_an_unknown_party_names_party(tmp_path: Path) -> None:
    db, _ = demo_line(tmp_path)
    result = clearline("user add ru-duty --party RU --role duty_officer --db", str(db))
    assert refused(result, "party") == "error: party: no party with code 'RU'"


def test_user_add_of_a_name_already_taken_names_name(tmp_path: Path) -> None:
    db, _ = demo_line(tmp_path)
    result = clearline("user add il-duty-officer --party IL --role watch_commander --db", str(db))
    assert refused(result, "name").startswith("error: name: ")


def test_a_password_set_from_the_command_line_signs_in_to_the_console(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _ = demo_line(tmp_path)
    monkeypatch.setenv("CLEARLINE_PASSWORD", "golan-heights-4")
    added = clearline("user add il-duty-2 --party IL --role duty_officer --password --db", str(db))
    assert said(added).startswith("user il-duty-2")
    assert said(clearline("user password il-duty-officer --db", str(db))) == (
        "password of il-duty-officer set"
    )
    app = create_app(database_url(str(db)), watch_interval_s=None)
    with TestClient(app) as client:
        for name in ("il-duty-2", "il-duty-officer"):
            answer = client.post("/v1/session", json={"name": name, "password": "golan-heights-4"})
            assert answer.status_code == 200, answer.text
    monkeypatch.setenv("CLEARLINE_PASSWORD", "short")
    assert refused(clearline("user password il-duty-2 --db", str(db)), "password").startswith(
        "error: password: at least 8"
    )


line = pytest.fixture(scope="module")(demo_server)


@pytest.mark.slow
def test_a_user_added_while_the_line_runs_can_use_it_at_once(line: Api) -> None:
    db = str(line.server.db)
    said(clearline("user add tr-duty-2 --party TR --role duty_officer --db", db))
    token = said(clearline("token create tr-duty-2 --db", db))
    sent = clearline(
        "send --to IL --type warning --precedence FLASH --body",
        BODY,
        "--token",
        token,
        "--url",
        line.server.url,
    )
    message_id = sent_id(sent)
    assert line.get("TR", f"/v1/messages/{message_id}").json()["sender_user"] is not None
