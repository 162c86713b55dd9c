"""The `clearline` command line: admin commands on a database, client commands against a real
server. Every refusal is one readable line on stderr, naming the field, with a non-zero exit."""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from fastapi.testclient import TestClient

from clearline.api.app import create_app
from clearline.store.database import database_url
from tests.support.cli import clearline, refused, said
from tests.support.server import (
    CLEARLINE,
    Api,
    clean_env,
    demo_line,
    free_port,
    serve,
    warning,
)

BODY = '{"hazard": "air_strike", "location": {"lat": 34.55, "lon": 38.28}, "radius_m": 20000}'
TAIL_TIMEOUT_S = 20
EVENT_LINE = re.compile(r"^(\d+) \d{4}-\d\d-\d\dT\S+ (\S+)")


def whoami(db: Path, token: str) -> dict[str, str]:
    """The user a token speaks for, asked of the app on ``db``."""
    with TestClient(create_app(database_url(str(db)), watch_interval_s=None)) as client:
        me = client.get("/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200, me.text
    return dict(me.json()["user"])


# --- admin commands on a database --------------------------------------------------------------


def test_init_demo_writes_the_tokens_beside_the_database_and_says_where(tmp_path: Path) -> None:
    db = tmp_path / "line.db"
    out = said(clearline("init --demo --db", str(db)))
    tokens_file = tmp_path.resolve() / "demo-tokens.json"
    assert f"demo line il-tr-syria created in sqlite:///{db.resolve()}" in out
    assert f"tokens for every demo user written to {tokens_file}" in out
    assert tokens_file.stat().st_mode & 0o777 == 0o600  # secrets: for the owner's eyes only
    tokens = json.loads(tokens_file.read_text())
    roles = ["duty_officer", "watch_commander", "liaison_officer", "system", "auditor"]
    assert sorted(tokens["IL"]) == sorted(tokens["TR"]) == sorted(roles)
    assert list(tokens["AZ"]) == ["mediator"]
    assert all(t.startswith("cl_") for party in tokens.values() for t in party.values())
    assert whoami(db, tokens["TR"]["liaison_officer"])["name"] == "tr-liaison-officer"


def test_init_without_demo_creates_the_database_and_key_and_may_run_again(tmp_path: Path) -> None:
    db, key = tmp_path / "line.db", tmp_path / "line.key"
    assert said(clearline("init --db", str(db))) == (
        f"line key created in {key} (keep it apart from the database)\n"
        f"database ready: sqlite:///{db.resolve()}"
    )
    assert db.exists() and key.stat().st_mode & 0o777 == 0o600
    first_key = key.read_bytes()
    assert said(clearline("init --db", str(db))).startswith("database ready")
    assert key.read_bytes() == first_key
    assert not (tmp_path / "demo-tokens.json").exists()


def test_init_demo_twice_refuses_in_one_line_and_keeps_the_first_tokens(tmp_path: Path) -> None:
    db, tokens = demo_line(tmp_path)
    written = (tmp_path / "demo-tokens.json").read_text()
    line = refused(clearline("init --demo --db", str(db)), "il-tr-syria")
    assert line == "error: id: agreement 'il-tr-syria' exists already"
    assert (tmp_path / "demo-tokens.json").read_text() == written
    assert whoami(db, tokens["IL"]["duty_officer"])["name"] == "il-duty-officer"


def test_user_add_for_an_unknown_party_names_party(tmp_path: Path) -> None:
    db, _ = demo_line(tmp_path)
    result = clearline("user add ru-duty --party RU --role duty_officer --db", str(db))
    assert refused(result, "party") == "error: party: no party with code 'RU'"


def test_user_add_of_a_name_already_taken_names_name(tmp_path: Path) -> None:
    db, _ = demo_line(tmp_path)
    result = clearline("user add il-duty-officer --party IL --role watch_commander --db", str(db))
    assert refused(result, "name").startswith("error: name: ")


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


@pytest.mark.parametrize(
    "command",
    [
        "",
        "init",
        "serve",
        "send",
        "inbox",
        "ack",
        "tail",
        "user add",
        "token create",
        "agreement create",
        "line list",
        "line suspend",
        "line restore",
    ],
    ids=lambda command: command or "clearline",
)
def test_help_of_every_command_shows_an_example(command: str) -> None:
    shown = " ".join(said(clearline(command, "--help")).split())
    assert f"Example: clearline {command}".strip() in shown


def test_a_client_command_without_a_server_says_so_in_one_line() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    line = refused(clearline("inbox --token cl_x --url", url), "cannot reach")
    assert url in line


def test_a_mistyped_option_value_is_one_line_too() -> None:
    refused(clearline("send --to IL --type warnin --precedence FLASH --token cl_x"), "--type")


# --- client commands against a real server --------------------------------------------------------


@pytest.fixture(scope="module")
def line(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    db, tokens = demo_line(tmp_path_factory.mktemp("line"))
    with serve(db) as server, Api(server, tokens) as api:
        yield api


def run_as(line: Api, party: str, role: str, command: str, *more: str) -> Result:
    """A client command with that user's token and the server's URL."""
    token = line.tokens[party][role]
    return clearline(command, *more, "--token", token, "--url", line.server.url)


def send_warning(
    line: Api, *more: str, body: str = BODY, party: str = "TR", role: str = "duty_officer"
) -> Result:
    """``clearline send`` of a FLASH warning to IL; by default a good one, from TR."""
    command = "send --to IL --type warning --precedence FLASH --body"
    return run_as(line, party, role, command, body, *more)


def sent_id(result: Result, state: str = "sent") -> int:
    """The id that ``send`` printed, checking the state it reported."""
    found = re.fullmatch(rf"message (\d+) to IL: {state}", said(result))
    assert found, result.stdout
    return int(found.group(1))


def tail(line: Api, party: str, *args: str, columns: int | None = 500) -> list[str]:
    """``clearline tail`` as its own process (it may wait for events): its stdout lines.

    ``columns`` is the terminal width it is told; None: none, as when its output is piped.
    """
    env = {k: v for k, v in clean_env().items() if k != "COLUMNS"}
    if columns is not None:
        env["COLUMNS"] = str(columns)
    token = line.tokens[party]["duty_officer"]
    done = subprocess.run(
        [str(CLEARLINE), "tail", "--token", token, "--url", line.server.url, *args],
        capture_output=True,
        text=True,
        timeout=TAIL_TIMEOUT_S,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def parse(printed: str) -> tuple[int, str]:
    """An event line of ``tail``: its sequence number and type."""
    found = EVENT_LINE.match(printed)
    assert found, f"not an event line: {printed!r}"
    return int(found.group(1)), found.group(2)


@pytest.mark.slow
def test_send_prints_the_id_and_state_of_what_the_line_now_holds(line: Api) -> None:
    message_id = sent_id(send_warning(line, "--free-text", "Acil!"))
    stored = line.get("TR", f"/v1/messages/{message_id}").json()
    assert stored["body"] == json.loads(BODY)
    assert (stored["type"], stored["precedence"], stored["free_text"]) == (
        "warning",
        "FLASH",
        "Acil!",
    )


@pytest.mark.slow
def test_send_with_the_same_key_twice_puts_one_message_on_the_line(line: Api) -> None:
    first = sent_id(send_warning(line, "--key", "tr-cli-001"))
    assert sent_id(send_warning(line, "--key", "tr-cli-001")) == first


@pytest.mark.slow
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("{hazard: air_strike}", "body"),
        ('{"hazard": "air_strike", "radius_m": 20000}', "body.location"),
        (
            '{"hazard": "air_strike", "location": {"lat": 95, "lon": 38}, "radius_m": 1}',
            "body.location.lat",
        ),
        ('{"hazard": "meteor", "location": {"lat": 34, "lon": 38}, "radius_m": 1}', "body.hazard"),
        ("[1, 2]", "body"),
    ],
    ids=["not-json", "missing-field", "out-of-range", "unknown-hazard", "not-an-object"],
)
def test_a_bad_body_is_refused_in_one_line_naming_the_field(
    line: Api, body: str, field: str
) -> None:
    before = line.get("TR", "/v1/messages", box="outbox", limit=1_000).json()["messages"]
    assert refused(send_warning(line, body=body), field).startswith(f"error: {field}: ")
    after = line.get("TR", "/v1/messages", box="outbox", limit=1_000).json()["messages"]
    assert after == before


@pytest.mark.slow
def test_an_auditor_cannot_send_and_is_told_why_in_one_line(line: Api) -> None:
    refused(send_warning(line, role="auditor"), "role")


@pytest.mark.slow
def test_inbox_lists_what_arrived_and_reading_it_is_delivery(line: Api) -> None:
    message_id = line.send("TR", warning()).json()["id"]
    table = said(run_as(line, "IL", "duty_officer", "inbox"))
    row = next(r for r in table.splitlines() if re.match(rf"│ {message_id}\s+│", r))
    assert re.search(r"│ FLASH\s+│ TR\s+│ IL\s+│ warning\s+│ delivered\s+│", row), row
    (copy,) = line.get("TR", f"/v1/messages/{message_id}").json()["recipients"]
    assert copy["state"] == "delivered"


@pytest.mark.slow
def test_ack_acknowledges_once_and_the_sender_sees_it(line: Api) -> None:
    message_id = sent_id(send_warning(line))
    acked = said(run_as(line, "IL", "duty_officer", f"ack {message_id}"))
    assert acked == f"message {message_id}: acknowledged"
    (copy,) = line.get("TR", f"/v1/messages/{message_id}").json()["recipients"]
    assert copy["state"] == "acknowledged"

    again = said(run_as(line, "IL", "watch_commander", f"ack {message_id}"))
    assert again == f"message {message_id}: acknowledged"
    (still,) = line.get("TR", f"/v1/messages/{message_id}").json()["recipients"]
    assert still == copy  # the first acknowledgement stands


@pytest.mark.slow
@pytest.mark.parametrize(
    ("party", "role", "field"),
    [("TR", "duty_officer", "id"), ("IL", "auditor", "role"), ("AZ", "mediator", "role")],
    ids=["the-sender", "an-auditor", "a-mediator"],
)
def test_ack_by_someone_who_may_not_is_refused_in_one_line(
    line: Api, party: str, role: str, field: str
) -> None:
    message_id = sent_id(send_warning(line))
    refused(run_as(line, party, role, f"ack {message_id}"), field)


@pytest.mark.slow
def test_ack_of_an_unknown_message_names_the_id(line: Api) -> None:
    refused(run_as(line, "IL", "duty_officer", "ack 999999"), "id")


@pytest.mark.slow
def test_tail_prints_count_events_and_a_state_file_resumes_after_them(
    line: Api, tmp_path: Path
) -> None:
    start = line.quiet_seq("IL")
    for _ in range(3):
        sent_id(send_warning(line))
    truth = line.events("IL", since=start)  # 3 sent, and 3 delivered by this very reading
    assert len(truth) == 6

    state = tmp_path / "tail.state"
    first = tail(line, "IL", "--since", str(start), "--count", "4", "--state-file", str(state))
    assert [parse(e) for e in first] == [(e["seq"], e["type"]) for e in truth[:4]]
    assert state.read_text() == f"{truth[3]['seq']}\n"

    rest = tail(line, "IL", "--count", "2", "--state-file", str(state))
    assert [parse(e) for e in rest] == [(e["seq"], e["type"]) for e in truth[4:]]
    assert state.read_text() == f"{truth[5]['seq']}\n"


@pytest.mark.slow
def test_tail_rides_out_a_server_crash_and_resumes_without_gap_or_duplicate(
    tmp_path: Path,
) -> None:
    db, tokens = demo_line(tmp_path)
    port, state, printed = free_port(), tmp_path / "tail.state", tmp_path / "tail.out"
    with serve(db, port) as server, Api(server, tokens) as api:
        api.send("TR", warning())
        api.send("TR", warning())
        seen = api.events("IL")  # each sent, and delivered to this very reading
        assert len(seen) == 4
        token = tokens["IL"]["duty_officer"]
        command = ["tail", "--count", "8", "--state-file", str(state), "--token", token]
        with printed.open("w") as out:
            follower = subprocess.Popen(
                [str(CLEARLINE), *command, "--url", server.url],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=clean_env(COLUMNS="500"),
            )
        try:
            deadline = time.monotonic() + TAIL_TIMEOUT_S
            while not (state.exists() and state.read_text() == f"{seen[-1]['seq']}\n"):
                assert time.monotonic() < deadline and follower.poll() is None, printed.read_text()
                time.sleep(0.05)
            server.kill()

            with serve(db, port) as restarted, Api(restarted, tokens) as after:
                after.send("TR", warning())
                after.send("TR", warning())
                assert follower.wait(timeout=TAIL_TIMEOUT_S) == 0, printed.read_text()
                truth = after.events("IL")
        finally:
            if follower.poll() is None:
                follower.kill()
                follower.wait()

    lines = printed.read_text().splitlines()
    assert any(line.startswith("-- disconnected") for line in lines)  # it noticed
    events = [parse(line) for line in lines if not line.startswith("-- ")]
    assert events == [(e["seq"], e["type"]) for e in truth]
    assert len(truth) == 8
    assert state.read_text() == f"{truth[-1]['seq']}\n"


@pytest.mark.slow
def test_tail_piped_to_another_program_prints_each_event_on_one_line(line: Api) -> None:
    start = line.quiet_seq("IL")
    sent_id(send_warning(line))
    printed = tail(line, "IL", "--since", str(start), "--count", "2", columns=None)
    assert len(printed) == 2, "\n".join(printed)
    assert [parse(e)[1] for e in printed] == ["message.sent", "message.delivered"]


@pytest.mark.slow
def test_tail_with_a_bad_token_is_refused_in_one_line(line: Api) -> None:
    done = subprocess.run(
        [str(CLEARLINE), "tail", "--token", "cl_not-a-token", "--url", line.server.url],
        capture_output=True,
        text=True,
        timeout=TAIL_TIMEOUT_S,
        env=clean_env(),
    )
    assert done.returncode != 0
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Authorization" in done.stderr


@pytest.mark.slow
def test_a_liaison_officer_suspends_and_restores_the_line_and_held_messages_then_arrive(
    line: Api,
) -> None:
    suspended = run_as(line, "IL", "liaison_officer", "line suspend TR --reason 'talks broken off'")
    try:
        assert said(suspended) == "line IL–TR: suspended"
        assert "suspended" in said(run_as(line, "TR", "duty_officer", "line list"))
        (seen,) = line.get("TR", "/v1/lines").json()
        assert (seen["line"]["state"], seen["line"]["reason"]) == ("suspended", "talks broken off")

        held = sent_id(send_warning(line), state="held")
        assert line.get("IL", f"/v1/messages/{held}").status_code == 404  # not on IL's side yet
        refused(run_as(line, "TR", "liaison_officer", "line restore IL"), "party")
        refused(run_as(line, "IL", "liaison_officer", "line suspend TR --reason again"), "state")
    finally:
        restored = run_as(line, "IL", "liaison_officer", "line restore TR")
    assert said(restored) == "line IL–TR: restored"
    assert line.get("IL", f"/v1/messages/{held}").json()["state"] == "sent"
    refused(run_as(line, "IL", "liaison_officer", "line restore TR"), "state")


@pytest.mark.slow
def test_only_a_liaison_officer_may_suspend_a_line(line: Api) -> None:
    result = run_as(line, "IL", "duty_officer", "line suspend TR --reason no")
    assert refused(result, "role") == (
        "error: role: only a liaison officer may suspend or restore a line"
    )


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
