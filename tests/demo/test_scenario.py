"""The scenario file: a bad file is refused whole, naming the step and field at fault."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from clearline.demo import scenario as scenarios
from clearline.model.errors import ClearlineError
from tests.support.scenarios import NOTICE, WARNING, scenario


def without(step: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in step.items() if k != key}


def refusal(data: Any) -> str:
    with pytest.raises(ClearlineError) as caught:
        scenarios.parse(data)
    return f"{caught.value.field}: {caught.value.reason}"


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ([without(WARNING, "precedence")], "timeline.0.precedence: Field required"),
        ([without(WARNING, "as")], "timeline.0.as: Field required"),
        ([{**WARNING, "do": "fly"}], "timeline.0.do: unknown action 'fly'; one of zone, "),
        ([without(WARNING, "do")], "timeline.0.do: missing: what the step does"),
        (
            [WARNING, {**WARNING, "reply_to": "nope", "type": "free_text"}],
            "timeline.1.reply_to: no earlier step has id 'nope'",
        ),
        (
            [NOTICE, {**WARNING, "type": "identification_reply", "reply_to": "strike"}],
            "timeline.1.reply_to: step 'strike' is a 'notice' step; this needs a 'message' or "
            "'unknown' step",
        ),
        (
            [{**WARNING, "id": "w"}, {**WARNING, "type": "request_reply", "reply_to": "w"}],
            "timeline.1.type: request_reply answers request, not warning",
        ),
        (
            [{**WARNING, "type": "identification_reply"}],
            "timeline.0.reply_to: identification_reply answers identification_query: name",
        ),
        ([{**WARNING, "at_s": 10}, WARNING], "timeline.1.at_s: before the step above it (10 s)"),
        ([{**WARNING, "id": "w"}, {**WARNING, "id": "w"}], "timeline.1.id: 'w' labels an earlier"),
        ([{**WARNING, "body": {"hazard": "air_strike"}}], "timeline.0.body.location: Field"),
        (
            [{**NOTICE, "volumes": [{**NOTICE["volumes"][0], "end_s": 600}]}],  # type: ignore[index]
            "timeline.0.volumes.0.end_s: must be after start",
        ),
        ([{"at_s": 0, "as": "x", "do": "cancel", "notice": "strike"}], "timeline.0.notice: no"),
        (
            [{"at_s": 0, "do": "zone", "feature": {"type": "Feature", "properties": {}}}],
            "timeline.0.feature.properties.name: Field required",
        ),
        (
            [{"at_s": 0, "as": "il-system", "do": "tracks", "reports": [{"track_id": "A"}]}],
            "timeline.0.reports.0.kind: Field required",
        ),
        (
            [NOTICE, {"at_s": 0, "as": "tr-liaison-officer", "do": "sign", "proposal": "strike"}],
            "timeline.1.proposal: step 'strike' is a 'notice' step; this needs a 'propose' step",
        ),
        (
            [{"at_s": 0, "as": "x", "do": "propose", "patch": {"a": 1}, "reason": "r"}],
            "timeline.0.effective_s: Field required",
        ),
        (
            [NOTICE, {"at_s": 0, "as": "az-mediator", "do": "close_round", "round": "strike"}],
            "timeline.1.round: step 'strike' is a 'notice' step; this needs a 'round' step",
        ),
    ],
)
def test_a_bad_step_is_named_with_its_field(steps: list[dict[str, Any]], expected: str) -> None:
    assert refusal(scenario(*steps)).startswith(expected)


def test_a_scenario_needs_a_timeline() -> None:
    assert refusal({"name": "empty"}).startswith("timeline: Field required")


def test_a_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ClearlineError) as caught:
        scenarios.load(bad)
    assert caught.value.field == "scenario"
    assert caught.value.reason.startswith("bad.json is not valid JSON")


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ClearlineError, match="cannot read"):
        scenarios.load(tmp_path / "absent.json")


def test_a_yaml_file_reads_as_its_json(tmp_path: Path) -> None:
    data = scenario(NOTICE, WARNING)
    as_yaml, as_json = tmp_path / "s.yaml", tmp_path / "s.json"
    as_json.write_text(json.dumps(data))
    as_yaml.write_text(
        "name: test\n"
        "timeline:\n"
        + "".join(f"  - {json.dumps(step)}\n" for step in data["timeline"])  # JSON is YAML
    )
    assert scenarios.load(as_yaml) == scenarios.load(as_json)
