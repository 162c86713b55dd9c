"""A file as it arrives: taken in chunks and spooled to disk, never held whole in memory,
refused the moment it passes its limit, hashed on the way, and checked by its bytes to be the
type its sender declared, so that what the line keeps (and later serves) is what it claims.

Binary types are recognised by their magic numbers (``filetype``); text has none, so a text
file is one that is UTF-8 throughout with no NUL byte, checked incrementally as it comes.
"""

from __future__ import annotations

import codecs
import hashlib
import tempfile
from collections.abc import Iterator
from datetime import datetime
from types import TracebackType
from typing import Self

import filetype

from clearline.model.attachment import MIB, Attachment
from clearline.model.errors import invalid, too_large

CHUNK = MIB
"""How much is read, hashed and stored at a time: one row of the file store."""
SNIFFED = 8192
"""How much of the start the magic numbers are looked for in (all ``filetype`` reads)."""

BINARY = ("application/pdf", "image/jpeg", "image/png", "image/tiff", "image/webp")
TEXT = ("text/plain", "text/csv", "application/json")
ACCEPTED = (*BINARY, *TEXT)
"""Documents, photos and the text logs radars and EW sets export; nothing a browser runs."""


def media_type_of(header: str | None) -> str:
    """The type a ``Content-Type`` header declares, without its parameters."""
    return (header or "application/octet-stream").split(";")[0].strip().lower()


def check_name(name: str) -> str:
    """A name a file is kept and served under: never a path."""
    if not 1 <= len(name) <= 200 or "/" in name or "\\" in name or name.startswith("."):
        raise invalid("name", "a file name of 1 to 200 characters, without / or \\, not hidden")
    if any(ord(c) < 32 for c in name):
        raise invalid("name", "a file name has no control characters")
    return name


class Upload:
    """One file being received; use it as a context manager so its spool is always removed."""

    def __init__(self, name: str, media_type: str, limit: int) -> None:
        self.name = check_name(name)
        if media_type not in ACCEPTED:
            raise invalid(
                "content_type", f"{media_type} is not kept; send one of {', '.join(ACCEPTED)}"
            )
        self.media_type = media_type
        self.limit = limit
        self.size = 0
        self._hash = hashlib.sha256()
        self._head = b""
        self._text = codecs.getincrementaldecoder("utf-8")() if media_type in TEXT else None
        self._spool = tempfile.SpooledTemporaryFile(max_size=CHUNK)  # noqa: SIM115 (__exit__)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._spool.close()

    @staticmethod
    def too_large(size: int, limit: int) -> None:
        if size > limit:
            raise too_large("content", f"more than {limit} bytes ({limit // MIB} MiB), the limit")

    def take(self, chunk: bytes) -> None:
        """The next bytes, refused as soon as the file passes its limit or stops being text."""
        self.size += len(chunk)
        self.too_large(self.size, self.limit)
        if self._text is not None:
            self._check_text(chunk, final=False)
        if len(self._head) < SNIFFED:
            self._head += chunk[: SNIFFED - len(self._head)]
        self._hash.update(chunk)
        self._spool.write(chunk)

    def finish(self) -> None:
        """All of it is in: it must be something, and of the type declared."""
        if not self.size:
            raise invalid("content", "the file is empty")
        if self._text is not None:
            self._check_text(b"", final=True)
            return
        found = filetype.guess_mime(self._head)
        if found != self.media_type:
            raise invalid(
                "content",
                f"declared {self.media_type}, but its bytes are {found or 'of no type known'}",
            )

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def attachment(self, by: str, at: datetime) -> Attachment:
        """What the record holds of the file: its name, hash, size and type, who attached it
        and when."""
        return Attachment(
            name=self.name,
            sha256=self.sha256,
            size=self.size,
            media_type=self.media_type,
            added_by=by,
            added_at=at,
        )

    def chunks(self) -> Iterator[bytes]:
        """The file again, from its start, a chunk at a time."""
        self._spool.seek(0)
        while chunk := self._spool.read(CHUNK):
            yield chunk

    def _check_text(self, chunk: bytes, final: bool) -> None:
        assert self._text is not None
        try:
            self._text.decode(chunk, final)
        except UnicodeDecodeError:
            raise invalid(
                "content", f"declared {self.media_type}, but its bytes are not UTF-8 text"
            ) from None
        if b"\0" in chunk:
            raise invalid("content", f"declared {self.media_type}, but it holds NUL bytes")
