"""Every structured message renders in English, Hebrew and Turkish from the catalogues."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from clearline.model.message import Message, MessageType, Precedence
from clearline.model.user import Language
from clearline.services.line import rendering

EXAMPLE_BODIES: dict[MessageType, dict[str, Any]] = {
    MessageType.WARNING: {
        "hazard": "artillery_fire",
        "location": {"lat": 36.5, "lon": 37.0},
        "radius_m": 12_500,
        "valid_until": "2026-11-22T18:00:00Z",
    },
    MessageType.IDENTIFICATION_QUERY: {
        "object_kind": "uav",
        "location": {"lat": 34.6, "lon": 38.2},
        "altitude_ft": 9_000,
        "observed_at": "2026-11-22T15:20:00Z",
    },
    MessageType.IDENTIFICATION_REPLY: {"answer": "partner_force"},
    MessageType.REQUEST: {
        "action": "cease_emission",
        "location": {"lat": 34.5, "lon": 38.3},
        "radius_m": 60_000,
    },
    MessageType.REQUEST_REPLY: {"answer": "counter_proposal"},
    MessageType.CROSSING_REQUEST: {
        "line_name": "Euphrates line",
        "crossing_point": {"lat": 35.9, "lon": 39.0},
        "window_start": "2026-11-23T04:00:00Z",
        "window_end": "2026-11-23T06:00:00Z",
    },
    MessageType.CROSSING_DECISION: {
        "decision": "approved_with_conditions",
        "conditions": "no more than 4 vehicles",
    },
    MessageType.INCIDENT_REPORT: {
        "kind": "fire_control_radar_lock",
        "occurred_at": "2026-11-22T14:58:00Z",
        "location": {"lat": 34.4, "lon": 37.6},
    },
    MessageType.LINE_CHECK: {},
    MessageType.LINE_CHECK_REPLY: {},
    MessageType.FREE_TEXT: {},
    MessageType.LINE_CHECK_MISSED: {"line_check_id": 7, "parties": ["TR"]},
    MessageType.CONFLICT_ALERT: {
        "conflict_id": 12,
        "source": "zone",
        "severity": "critical",
        "location": {"lat": 34.55, "lon": 38.27},
        "window_start": "2026-11-22T16:00:00Z",
        "window_end": "2026-11-22T18:00:00Z",
        "late_s": 540,
    },
    MessageType.TRACK_ALERT: {
        "encounter_id": 3,
        "level": 3,
        "against": "track",
        "location": {"lat": 34.7, "lon": 38.27},
        "violation_at": "2026-11-22T15:31:05Z",
        "horizontal_m": 1100,
        "vertical_ft": 0,
    },
    MessageType.PROTOCOL_CHANGE: {
        "proposal": 1,
        "stage": "approved",
        "version": 2,
        "by_party": "TR",
        "effective_at": "2026-12-10T00:00:00Z",
    },
    MessageType.INCIDENT_UPDATE: {
        "incident": 3,
        "step": "referred",
        "kind": "fire_control_radar_lock",
        "state": "under_review",
        "by_party": "IL",
    },
}


def _message(type: MessageType, free_text: str | None = None) -> Message:
    return Message(
        id=1,
        agreement_id="il-tr-syria",
        line_id=1,
        sender_party="TR",
        sender_user=1,
        type=type,
        precedence=Precedence.IMMEDIATE,
        body=EXAMPLE_BODIES[type],
        free_text=free_text,
        in_reply_to=None,
        created_at=datetime(2026, 11, 22, 15, 30, tzinfo=UTC),
        line_suspended=False,
        protocol_version=1,
        recipients=(),
    )


@pytest.mark.parametrize("language", list(Language))
def test_every_catalogue_has_every_key_and_nothing_else(language: Language) -> None:
    present = {entry.id for entry in rendering.catalogue(language) if entry.id}
    empty = {entry.id for entry in rendering.catalogue(language) if entry.id and not entry.string}
    assert rendering.catalogue_keys() - present == set()
    assert empty == set()
    assert present - rendering.catalogue_keys() == set()


def test_every_type_has_an_example_here() -> None:
    assert set(EXAMPLE_BODIES) == set(MessageType)


@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize("type", list(MessageType))
def test_every_type_renders_in_every_language(type: MessageType, language: Language) -> None:
    shown = rendering.render(_message(type), language)
    assert shown.title and shown.text
    assert "{" not in shown.text


def test_english_rendering_reads_as_a_signal() -> None:
    shown = rendering.render(_message(MessageType.WARNING), Language.EN)
    assert shown.text == (
        "Artillery fire within 12.5 km of 36.5000°N 37.0000°E; "
        "valid until 2026-11-22T18:00:00Z (221800ZNOV26)"
    )
    assert shown.precedence == "IMMEDIATE"


def test_hebrew_reads_right_to_left_with_its_own_number_format() -> None:
    shown = rendering.render(_message(MessageType.WARNING), Language.HE)
    assert shown.direction == "rtl"
    assert shown.title == "אזהרה"
    assert "12.5" in shown.text


def test_turkish_uses_a_decimal_comma() -> None:
    shown = rendering.render(_message(MessageType.WARNING), Language.TR)
    assert shown.direction == "ltr"
    assert "12,5 km" in shown.text


def test_free_text_is_shown_as_written_and_marked_untranslated() -> None:
    shown = rendering.render(_message(MessageType.FREE_TEXT, "Ateşkes hattı"), Language.HE)
    assert shown.free_text == "Ateşkes hattı"
    assert shown.free_text_label == "לא מתורגם"


def test_structured_text_has_no_untranslated_label() -> None:
    assert rendering.render(_message(MessageType.WARNING), Language.EN).free_text_label is None
