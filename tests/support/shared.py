"""Test data written by others, beside the project in ``../shared/data`` (each folder has a
README saying what it is and where it comes from). Read from there, never copied in."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def shared(folder: str) -> Path:
    """``../shared/data/<folder>``; a test that needs it fails in one clear line if it is
    absent, rather than with a traceback about some file inside it."""
    path = SHARED_DATA / folder
    if not path.is_dir():
        pytest.fail(f"shared test data missing: {path} (the checkout's ../shared/data)", False)
    return path
