"""Canonical JSON at native speed: byte for byte the reference's (``rfc8785``), for every JSON
value, and native over everything the line writes."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
import rfc8785
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from clearline.clock import FixedClock
from clearline.model import canonical
from clearline.store.schema import events, ledger_entries
from tests.conftest import Line
from tests.support.traffic import every_event_type

EVERY_CHARACTER = st.characters(codec=None, categories=None)
"""Lone surrogates included: what the reference refuses, ``dumps`` must refuse too."""

scalars = (
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(EVERY_CHARACTER, max_size=12)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(EVERY_CHARACTER, max_size=6), inner, max_size=5)
    ),
    max_leaves=30,
)


REFUSED = b"refused"


def reference(value: Any) -> bytes:
    """The reference's bytes, or ``REFUSED``: it refuses a key holding a lone surrogate with
    a ``UnicodeEncodeError`` from its sort, everything else with a ``CanonicalizationError``."""
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, UnicodeEncodeError):
        return REFUSED


def ours(value: Any) -> bytes:
    """Ours, or ``REFUSED``: always in the one error's words."""
    try:
        return canonical.dumps(value)
    except canonical.CanonicalizationError:
        return REFUSED


@contextlib.contextmanager
def without_reference() -> Iterator[None]:
    """``dumps`` with the reference gone: only the native path can answer."""

    def gone(_value: Any) -> bytes:
        raise AssertionError("handed to the reference")

    with mock.patch.object(canonical.rfc8785, "dumps", gone):
        yield


@settings(max_examples=3000)
@given(json_values)
def test_every_json_value_gets_the_reference_bytes_or_its_refusal(value: Any) -> None:
    assert ours(value) == reference(value)


UTF8 = st.characters(codec="utf-8")
# what the line writes: coordinates, distances, heights, times as text, counts and names
line_floats = st.floats(min_value=-1e12, max_value=1e12).filter(lambda f: f == 0 or abs(f) >= 1e-5)
line_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | line_floats | st.text(UTF8),
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(st.text(st.characters(codec="utf-8", max_codepoint=0xFFFF)), inner)
    ),
    max_leaves=30,
)


@settings(max_examples=2000)
@given(line_values)
def test_the_values_the_line_writes_are_canonicalised_natively(value: Any) -> None:
    expected = rfc8785.dumps(value)
    with without_reference():
        assert canonical.dumps(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (100.0, b"100"),
        (-0.0, b"0"),
        (1e-5, b"0.00001"),
        (1.5e-6, b"0.0000015"),
        (1e-7, b"1e-7"),
        (2.0**53, b"9007199254740992"),
        (1e16, b"10000000000000000"),
        (1e21, b"1e+21"),
        ({"\ue000": 1, "\U0001f600": 2}, '{"\U0001f600":2,"\ue000":1}'.encode()),
        ("\x1f\u2028/", b'"\\u001f\xe2\x80\xa8/"'),
        ({"b": [1, {"d": 0.5, "c": True}], "a": None}, b'{"a":null,"b":[1,{"c":true,"d":0.5}]}'),
    ],
)
def test_where_orjson_and_ecmascript_part_the_bytes_are_ecmascripts(
    value: Any, expected: bytes
) -> None:
    assert canonical.dumps(value) == expected


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 2**53, {1: "a"}, "\ud800", {1.5}])
def test_what_has_no_canonical_form_is_refused(value: Any) -> None:
    with pytest.raises(canonical.CanonicalizationError):
        canonical.dumps(value)


def test_every_payload_and_envelope_on_the_line_takes_the_native_path(
    line: Line, engine: Engine, clock: FixedClock
) -> None:
    every_event_type(line, clock)
    with engine.connect() as connection:
        found = connection.execute(sa.select(events.c.type, events.c.payload)).all()
        envelopes = connection.execute(sa.select(ledger_entries.c.envelope)).scalars().all()
    assert len({kind for kind, _ in found}) > 20
    values = [payload for _, payload in found] + [json.loads(text) for text in envelopes]
    expected = [rfc8785.dumps(value) for value in values]
    with without_reference():
        assert [canonical.dumps(value) for value in values] == expected
