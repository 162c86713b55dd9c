"""``clearline tak certificate`` and ``clearline serve --tak-port``: a line served with its TAK
gateway, as an operator sets it up, with pytak clients holding the certificates the CLI
issued; the real clock, the real server process."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.cli import clearline, refused
from tests.support.server import demo_line, free_port, serve
from tests.support.tak import connect, cot
from tests.support.tracks import jet


def issued(db: Path, user: str, out: Path, *more: str) -> dict[str, Path]:
    result = clearline(f"tak certificate {user} --db {db} --out {out}", *more)
    assert result.exit_code == 0, result.output
    paths = [Path(line) for line in result.stdout.split()]
    assert all(path.exists() for path in paths)
    return {"cert": paths[0], "key": paths[1], "ca": paths[2]}


def test_a_certificate_is_refused_for_a_user_the_gateway_does_not_serve(tmp_path: Path) -> None:
    db, _ = demo_line(tmp_path)
    assert "no active user named 'nobody'" in refused(
        clearline(f"tak certificate nobody --db {db} --out {tmp_path}"), "certificate"
    )
    assert "mediator" in refused(
        clearline(f"tak certificate az-mediator --db {db} --out {tmp_path}"), "certificate"
    )
    assert not (tmp_path / "tak").exists()  # refused before anything was made


def test_a_bundle_is_written_with_a_password(tmp_path: Path) -> None:
    db, _ = demo_line(tmp_path)
    result = clearline(
        f"tak certificate tr-system --db {db} --out {tmp_path / 'tr'}", "--password", "pw"
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "tr" / "tr-system.p12").exists()
    assert (tmp_path / "tak" / "ca.pem").exists()  # the authority, beside the database


@pytest.mark.slow
def test_a_served_gateway_carries_a_feed_to_the_other_party(tmp_path: Path) -> None:
    db, _ = demo_line(tmp_path)
    il = issued(db, "il-system", tmp_path / "il")
    tr = issued(db, "tr-system", tmp_path / "tr")
    port = free_port()
    with serve(db, options=("--tak-port", str(port))) as server, asyncio.Runner() as runner:
        sender, receiver = connect(runner, port, il), connect(runner, port, tr)
        now = datetime.now(UTC)
        sender.send(b"<event>not a track</event>", cot(jet(now)))
        seen = receiver.until(lambda e: e.get("type") == "a-n-A-M-F")
        assert seen.find("detail/contact").get("callsign") == "IL-F-16-1"  # type: ignore[union-attr]
        sender.close()
        receiver.close()
        assert "tak il-system: dropped an event: event@type: missing" in server.output()
