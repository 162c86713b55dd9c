"""`clearline send`, `inbox`, `ack` and `tail` against a real server. Every refusal is one
readable line on stderr, naming the field, with a non-zero exit."""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import (
    BODY,
    clearline,
    demo_server,
    refused,
    run_as,
    said,
    send_warning,
    sent_id,
)
from tests.support.server import CLEARLINE, Api, clean_env, demo_line, free_port, serve, warning

TAIL_TIMEOUT_S = 20


EVENT_LINE = re.compile(r"^(\d+) \d{4}-\d\d-\d\dT\S+ (\S+)")


line = pytest.fixture(scope="module")(demo_server)


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


def test_inbox_pending_lists_the_queue_most_urgent_first_and_counts_it(line: Api) -> None:
    routine, flash = (
        line.send("TR", warning(precedence=p)).json()["id"] for p in ("ROUTINE", "FLASH")
    )
    printed = said(run_as(line, "IL", "duty_officer", "inbox --pending"))
    rows = [r for r in printed.splitlines() if re.match(rf"│ ({routine}|{flash})\s+│", r)]
    assert [int(r.split("│")[1]) for r in rows] == [flash, routine]
    assert re.search(r"│ FLASH\s+│ warning\s+│ 1\s+│ TR\s+│ \d{6}Z[A-Z]{3}\d\d\s+│", rows[0])
    queue = line.get("IL", "/v1/messages/pending", limit=1000).json()
    assert printed.splitlines()[-1] == (
        f"{queue['total']} pending ({queue['messages']} messages); {len(queue['items'])} shown"
    )


def test_ack_item_acknowledges_the_pending_item_a_message_is_in(line: Api) -> None:
    message_id = line.send("TR", warning()).json()["id"]
    done = said(run_as(line, "IL", "duty_officer", f"ack {message_id} --item"))
    assert done == f"1 acknowledged: {message_id}"
    again = run_as(line, "IL", "duty_officer", f"ack {message_id} --item")
    assert "not pending for IL" in refused(again, "message_id")


def test_inbox_pending_with_a_state_is_refused_in_one_line(line: Api) -> None:
    refused(run_as(line, "IL", "duty_officer", "inbox --pending --state sent"), "pending")


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


@pytest.fixture(scope="module")
def astana(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The demo line beside TR–RU–IR, Russia and Iran each with a duty officer."""
    db, tokens = demo_line(tmp_path_factory.mktemp("astana"))
    parties = "--party 'TR=Turkish Armed Forces' --party RU=Russia --party IR=Iran"
    said(clearline(f"agreement create tr-ru-ir --name Astana {parties} --db", str(db)))
    for party in ("RU", "IR"):
        name = f"{party.lower()}-duty"
        said(clearline(f"user add {name} --party {party} --role duty_officer --db", str(db)))
        tokens[party] = {"duty_officer": said(clearline(f"token create {name} --db", str(db)))}
    with serve(db) as server, Api(server, tokens) as api:
        yield api


def test_a_warning_to_two_parties_prints_a_copy_each(astana: Api) -> None:
    command = "send --type warning --precedence FLASH --body"
    printed = said(run_as(astana, "TR", "duty_officer", command, BODY, "--to", "RU", "--to", "IR"))
    assert re.fullmatch(r"message \d+ to RU: sent\nmessage \d+ to IR: sent", printed), printed
    refused(run_as(astana, "TR", "duty_officer", command, BODY, "--to", "RU", "--to", "IL"), "to")
