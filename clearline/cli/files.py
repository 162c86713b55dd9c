"""Sending a file to the line (streamed) and fetching one back, each checked against the
SHA-256 the line recorded: a hash that differs means another file is on the ledger under
this name, and the command says so rather than report success."""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from clearline.cli.client import fail, request, request_bytes
from clearline.model.attachment import MIB

PIECE = MIB


def upload(
    url: str, token: str, path: str, file: Path, media_type: str | None = None
) -> tuple[Any, str]:
    """POST ``file`` (checked ``within`` its limit first) as the request's body, typed by its
    name unless ``media_type`` says. The line's answer, and the file's SHA-256 as hashed here
    while it was sent."""
    digest = hashlib.sha256()
    kind = media_type or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    answer = request(
        "POST",
        url,
        token,
        path,
        params={"name": file.name},
        content=_read(file, digest),
        headers={"Content-Type": kind},
    )
    return answer, digest.hexdigest()


def within(file: Path, limit: int) -> None:
    """A file this command can send: readable, and not over the line's limit (checked
    before the line is asked anything)."""
    try:
        size = file.stat().st_size
    except OSError as exc:
        fail(f"file: cannot read {file} ({exc.strerror or exc})")
    if size > limit:
        fail(f"file: {file} is {size} bytes; at most {limit}")


def download(url: str, token: str, path: str, out: Path, sha256: str) -> int:
    """GET a file into ``out``, refusing what does not hash to ``sha256`` before writing it.
    Whole in memory: the line's files are bounded (50 MiB at most), a CLI fetches one."""
    content = request_bytes(url, token, path)
    ours = hashlib.sha256(content).hexdigest()
    if ours != sha256:
        fail(f"sha256: the line sent a file that hashes to {ours}, not {sha256}")
    try:
        out.write_bytes(content)
    except OSError as exc:
        fail(f"out: cannot write {out} ({exc.strerror or exc})")
    return len(content)


def same_file(recorded: dict[str, Any], ours: str) -> None:
    """The line's record of a file is worth only as much as its hash."""
    if recorded["sha256"] != ours:
        fail(
            f"sha256: the line recorded {recorded['sha256']} for {recorded['name']!r}, but the "
            f"file hashes to {ours} here"
        )


def _read(file: Path, digest: Any) -> Iterator[bytes]:
    try:
        with file.open("rb") as source:
            while piece := source.read(PIECE):
                digest.update(piece)
                yield piece
    except OSError as exc:
        fail(f"file: cannot read {file} ({exc.strerror or exc})")
