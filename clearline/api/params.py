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
