"""The parameters routes share: a record's id in a path, and how many records a list gives.

One definition each, so that every list is bounded alike and every id is refused alike (a
422 before any store is read) whichever resource it names."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from clearline.model.fields import MAX_ID

RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]
"""A conflict's, an encounter's, ... id, as the last step of a path."""
Limit = Annotated[int, Query(ge=1, le=1_000)]
"""How many records a list answers at most; 100 where not said."""
FileName = Annotated[str, Query(min_length=1, max_length=200)]
"""The name an uploaded file is kept under (``?name=``); the upload checks it is no path."""
Sha256 = Annotated[str, Path(pattern="^[0-9a-f]{64}$")]
"""A kept file, by the SHA-256 of its bytes in lowercase hex, as the ledger records it."""
