"""A protocol version as a document: canonical JSON that is RFC 8785 and reads back the same,
YAML that reads back the same, and a diff that names exactly the leaves that changed."""

from __future__ import annotations

import json

import pytest
import rfc8785
import yaml
from pydantic import ValidationError

from clearline.model.message import Precedence
from clearline.model.protocol import Protocol, Separation
from clearline.services.protocol import document


def amended() -> Protocol:
    """Version 2 as the tests amend it: a shorter FLASH deadline and a wider vertical minimum."""
    v1 = Protocol()
    deadlines = {**v1.ack_deadline_s, Precedence.FLASH: 90}
    return v1.model_copy(
        update={
            "version": 2,
            "ack_deadline_s": deadlines,
            "separation": Separation(vertical_ft=2_000),
        }
    )


def test_canonical_json_is_the_rfc_8785_bytes_of_the_model_and_reads_back() -> None:
    protocol = amended()
    canonical = document.canonical_json(protocol)
    assert canonical == rfc8785.dumps(protocol.model_dump(mode="json"))
    assert Protocol.model_validate_json(canonical) == protocol
    assert rfc8785.dumps(json.loads(canonical)) == canonical


def test_yaml_reads_back_as_the_same_protocol() -> None:
    protocol = amended()
    text = document.to_yaml(protocol)
    assert "FLASH: 90" in text
    assert Protocol.model_validate(yaml.safe_load(text)) == protocol


def test_the_diff_names_exactly_the_nested_field_and_the_dict_entry_that_changed() -> None:
    changes = document.diff(Protocol(), amended())
    assert [c.model_dump(by_alias=True) for c in changes] == [
        {"path": "version", "from": 1, "to": 2},
        {"path": "ack_deadline_s.FLASH", "from": 120, "to": 90},
        {"path": "separation.vertical_ft", "from": 1_000, "to": 2_000},
    ]


def test_the_diff_walks_lists_of_models_by_index_and_of_plain_values_whole() -> None:
    v1 = Protocol()
    ladder = v1.escalation_ladder[:2]
    levels = (
        *v1.well_clear.levels[:2],
        v1.well_clear.levels[2].model_copy(update={"alerting_time_s": 20}),
    )
    well_clear = v1.well_clear.model_copy(update={"levels": levels})
    changed = v1.model_copy(update={"escalation_ladder": ladder, "well_clear": well_clear})
    paths = [c.path for c in document.diff(v1, changed)]
    assert paths == ["escalation_ladder", "well_clear.levels.2.alerting_time_s"]


def test_a_version_against_itself_has_no_changes() -> None:
    assert document.diff(amended(), amended()) == []


@pytest.mark.parametrize(
    ("rules", "reason"),
    [
        ({"escalation_ladder": []}, "escalation_ladder needs at least one role"),
        ({"line_pairs": []}, "line_pairs: name at least one pair"),
        ({"line_pairs": [["IL", "IL"]]}, "line_pairs: a line joins two different parties"),
        ({"line_pairs": [["IL", "TR"], ["TR", "IL"]]}, "line_pairs: a pair is named twice"),
    ],
)
def test_a_document_that_would_make_the_line_misbehave_is_refused(
    rules: dict[str, object], reason: str
) -> None:
    with pytest.raises(ValidationError, match=reason):
        Protocol.model_validate(rules)
