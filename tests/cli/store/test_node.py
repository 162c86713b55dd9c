"""``clearline init`` and ``clearline serve``. Init makes a database and the line's key (and
may run again without harm), with --demo the demo line and its tokens beside the database.
Serve holds its database: a second node refuses to start, in one line, and a node that lost
its claim refuses every write, through real processes on each back-end (a throw-away
PostgreSQL schema where ``make test`` provides one)."""

from __future__ import annotations

import contextlib
import json
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from clearline.cli.main import app
from clearline.store.database import create_engine
from tests.support.acting import ActsAs
from tests.support.claims import take_away
from tests.support.cli import clearline, refused, said, whoami
from tests.support.server import (
    CLEARLINE,
    CLIENT_ENV,
    START_TIMEOUT_S,
    WAIT_S,
    clean_env,
    demo_line,
    free_port,
)
from tests.support.server import warning as warning_request

# --- init ----------------------------------------------------------------------------------------


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


Tokens = dict[str, dict[str, str]]


# --- serve: one node per database ---------------------------------------------------------------


@dataclass
class Line:
    """A database made ready with ``clearline init --demo``, its key and its demo tokens."""

    db: str
    key: Path
    tokens: Tokens
    folder: Path

    def command(self, port: int) -> list[str]:
        serve = [str(CLEARLINE), "serve", "--db", self.db, "--key", str(self.key)]
        return [*serve, "--port", str(port)]


@dataclass
class Node(ActsAs):
    """One running ``clearline serve``, talked to over real HTTP."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path
    tokens: Tokens
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=WAIT_S)

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def line(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Line:
    monkeypatch.chdir(tmp_path)  # where init writes the demo tokens of a PostgreSQL line
    key = tmp_path / "line.key"
    result = CliRunner().invoke(
        app, ["init", "--db", db_url, "--key", str(key), "--demo"], env=dict.fromkeys(CLIENT_ENV)
    )
    assert result.exit_code == 0, result.output
    tokens = json.loads((tmp_path / "demo-tokens.json").read_text())
    return Line(db_url, key, tokens, tmp_path)


@contextlib.contextmanager
def node(line: Line) -> Iterator[Node]:
    """A node serving ``line``, up and healthy, stopped on exit; tried on another port if
    someone took the free one first."""
    for _attempt in range(3):
        port = free_port()
        log = line.folder / f"serve-{port}.log"
        with log.open("ab") as out:
            process = subprocess.Popen(
                line.command(port), stdout=out, stderr=subprocess.STDOUT, env=clean_env()
            )
        started = Node(process, port, log, line.tokens)
        if _healthy(started):
            break
        _stop(started)
    else:
        raise AssertionError(f"clearline serve did not come up:\n{started.output()}")
    try:
        yield started
    finally:
        _stop(started)


def _healthy(node: Node) -> bool:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and node.process.poll() is None:
        with contextlib.suppress(httpx.HTTPError):
            if node.client.get("/healthz").status_code == 200:
                return True
        time.sleep(0.05)
    return False


def _stop(node: Node) -> None:
    node.client.close()
    if node.process.poll() is None:
        node.process.terminate()
        node.process.wait(timeout=WAIT_S)


def _until_unhealthy(node: Node) -> httpx.Response:
    """``/healthz`` once it stops answering 200 (the watch writes, and so checks, each second)."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        answer = node.client.get("/healthz")
        if answer.status_code != 200:
            return answer
        time.sleep(0.05)
    raise AssertionError(f"still healthy after {WAIT_S} s:\n{node.output()}")


def test_a_second_node_on_the_same_database_refuses_in_one_line_and_the_first_serves_on(
    line: Line,
) -> None:
    with node(line) as first:
        second = subprocess.run(
            line.command(free_port()), capture_output=True, env=clean_env(), timeout=WAIT_S * 4
        )
        assert second.returncode == 2
        said = second.stderr.decode().strip().splitlines()
        assert len(said) == 1, said
        assert said[0].startswith("error: another clearline node serves"), said
        assert "stop it first" in said[0]
        sent = first.send("TR", warning_request())
        assert sent.status_code == 201, sent.text


def test_a_node_that_lost_its_claim_refuses_writes_and_no_longer_keeps_a_new_node_out(
    line: Line,
) -> None:
    engine = create_engine(line.db)
    with node(line) as first:
        take_away(engine)
        unhealthy = _until_unhealthy(first)
        assert unhealthy.status_code == 503
        assert unhealthy.json()["error"] == "unavailable"
        assert unhealthy.json()["field"] == "database"
        assert unhealthy.json()["reason"].startswith("this node lost its claim on the database")
        refused = first.send("TR", warning_request())
        assert refused.status_code == 503, first.output()
        assert refused.json() == unhealthy.json()
        with node(line) as second:
            assert second.client.get("/healthz").status_code == 200
        said = first.output()
        lost = [line for line in said.splitlines() if "refusing every write" in line]
        assert len(lost) == 1 and "Traceback" not in said, said  # once, in one line
    engine.dispose()
