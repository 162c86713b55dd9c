"""The protocol as a whole: what a version must hold to be a version, each refusal naming the
rule, so that a proposal that breaks one is refused before anyone is asked to sign it."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from clearline.model.protocol import Protocol


def refusal(**rules: Any) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        Protocol.model_validate({**Protocol().model_dump(mode="json"), **rules})
    first = caught.value.errors()[0]
    return ".".join(str(part) for part in first["loc"]), first["msg"]


def test_the_defaults_are_a_version() -> None:
    assert Protocol().version == 1


@pytest.mark.parametrize(
    ("rules", "where"),
    [
        (
            {"ack_deadline_s": {"FLASH": 0, "IMMEDIATE": 1, "PRIORITY": 1, "ROUTINE": 1}},
            "ack_deadline_s.FLASH",
        ),
        (
            {
                "lead_time_s": {
                    **Protocol().model_dump(mode="json")["lead_time_s"],
                    "air_strike": -1,
                }
            },
            "lead_time_s.air_strike",
        ),
        ({"urgency": {"soon_s": 600, "imminent_s": 900}}, "urgency"),
        ({"amendment_notice_s": -1}, "amendment_notice_s"),
        ({"version": 0}, "version"),
    ],
)
def test_a_rule_out_of_bounds_is_named(rules: dict[str, Any], where: str) -> None:
    assert refusal(**rules)[0] == where


def test_every_precedence_needs_a_deadline() -> None:
    location, reason = refusal(ack_deadline_s={"FLASH": 60})
    assert location == "" and "ack_deadline_s lacks" in reason
