"""A file as it arrives: its name never a path, its type one the line keeps and the one its
bytes are, refused the moment it passes its limit, and hashed as it came."""

from __future__ import annotations

import hashlib

import pytest

from clearline.model.errors import ClearlineError, ErrorKind
from clearline.services.record.uploads import CHUNK, Upload, media_type_of

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
PDF = b"%PDF-1.7\n" + bytes(64)


def taken(name: str, media_type: str, *chunks: bytes, limit: int = 4 * CHUNK) -> Upload:
    upload = Upload(name, media_type, limit)
    for chunk in chunks:
        upload.take(chunk)
    upload.finish()
    return upload


def refusal(*args: bytes | str, limit: int = 4 * CHUNK) -> ClearlineError:
    name, media_type, *chunks = args
    assert isinstance(name, str) and isinstance(media_type, str)
    with pytest.raises(ClearlineError) as refused:
        taken(name, media_type, *(bytes(c) for c in chunks), limit=limit)
    return refused.value


def test_a_file_is_hashed_as_it_came_and_given_back_whole() -> None:
    parts = [b"time,lat,lon\n", "12:01,34.70,38.30 \u00b0\n".encode() * 100_000]
    with taken("log.csv", "text/csv", *parts) as upload:
        content = b"".join(parts)
        assert upload.sha256 == hashlib.sha256(content).hexdigest()
        assert upload.size == len(content)
        assert b"".join(upload.chunks()) == content
        assert all(len(chunk) <= CHUNK for chunk in upload.chunks())


def test_binary_files_are_known_by_their_bytes() -> None:
    assert taken("photo.png", "image/png", PNG).media_type == "image/png"
    assert taken("report.pdf", "application/pdf", PDF).media_type == "application/pdf"
    wrong = refusal("photo.png", "image/png", PDF)
    assert (wrong.field, wrong.reason) == (
        "content",
        "declared image/png, but its bytes are application/pdf",
    )
    assert refusal("photo.jpg", "image/jpeg", b"just words").field == "content"


def test_text_is_utf8_throughout_even_split_between_chunks() -> None:
    degree = "\u00b0".encode()
    assert taken("log.txt", "text/plain", b"34" + degree[:1], degree[1:] + b"N").size == 5
    assert "not UTF-8" in refusal("log.txt", "text/plain", b"ok", b"\xff").reason
    assert "not UTF-8" in refusal("log.txt", "text/plain", b"cut " + degree[:1]).reason
    assert "NUL" in refusal("log.txt", "text/plain", b"ok\0ok").reason


def test_an_empty_file_an_unkept_type_and_a_path_for_a_name_are_refused() -> None:
    assert refusal("log.txt", "text/plain").field == "content"
    unkept = refusal("page.html", "text/html", b"<script>")
    assert unkept.field == "content_type" and "application/pdf" in unkept.reason
    for name in ("../etc", "a\\b", ".hidden", "", "x" * 201, "tab\there"):
        assert refusal(name, "text/plain", b"x").field == "name"


def test_past_its_limit_a_file_is_refused_at_once_as_too_large() -> None:
    upload = Upload("big.txt", "text/plain", limit=10)
    upload.take(b"0123456789")
    with pytest.raises(ClearlineError) as refused:
        upload.take(b"x")
    assert (refused.value.kind, refused.value.field) == (ErrorKind.TOO_LARGE, "content")


def test_a_content_type_header_declares_its_type_without_parameters() -> None:
    assert media_type_of("Text/CSV; charset=utf-8") == "text/csv"
    assert media_type_of(None) == "application/octet-stream"
