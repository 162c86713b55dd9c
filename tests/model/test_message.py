"""Typed bodies refuse what a reader could misread."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from clearline.model.message import (
    BODY_MODELS,
    EXPECTS_REPLY,
    REPLY_TO,
    CrossingDecisionBody,
    CrossingRequestBody,
    MessageType,
    WarningBody,
)


def test_every_type_has_a_body_model() -> None:
    assert set(BODY_MODELS) == set(MessageType)


def test_each_reply_type_answers_one_type_that_expects_it() -> None:
    assert {
        MessageType.IDENTIFICATION_QUERY,
        MessageType.REQUEST,
        MessageType.CROSSING_REQUEST,
        MessageType.LINE_CHECK,
    } == EXPECTS_REPLY
    assert len(set(REPLY_TO.values())) == len(REPLY_TO)


def test_a_crossing_window_must_end_after_it_starts() -> None:
    with pytest.raises(ValidationError, match="window_end must be after window_start"):
        CrossingRequestBody.model_validate(
            {
                "line_name": "Euphrates",
                "crossing_point": {"lat": 35.9, "lon": 39.0},
                "window_start": "2026-11-23T06:00:00Z",
                "window_end": "2026-11-23T04:00:00Z",
            }
        )


def test_conditions_come_with_a_conditional_approval_only() -> None:
    with pytest.raises(ValidationError, match="conditions are required"):
        CrossingDecisionBody.model_validate({"decision": "approved_with_conditions"})
    with pytest.raises(ValidationError, match="only for approved_with_conditions"):
        CrossingDecisionBody.model_validate({"decision": "denied", "conditions": "none"})


@pytest.mark.parametrize(
    ("field", "value"),
    [("radius_m", 0), ("radius_m", 600_000), ("hazard", "nuclear"), ("extra", 1)],
)
def test_a_warning_refuses_values_out_of_range_or_unknown(field: str, value: object) -> None:
    body = {"hazard": "air_strike", "location": {"lat": 34.5, "lon": 38.3}, "radius_m": 1000}
    with pytest.raises(ValidationError):
        WarningBody.model_validate({**body, field: value})
