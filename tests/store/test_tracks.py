"""An encounter is built from its row in one place: every column reaches a field, under its own
name or folded with others into one."""

from __future__ import annotations

from clearline.model.track import Encounter
from clearline.store.schema import encounters
from tests.support.records import columns

FOLDED = {
    "parties": {"party_a", "party_b"},
    "track": {"track_id"},
    "counterpart": {"object_kind", "object_id"},
    "counterpart_blind": {"object_blind"},
    "point": {"lat", "lon"},
    "ends": {"a_lat", "a_lon", "b_lat", "b_lon"},
}
"""Fields of an encounter made of columns of other names."""


def test_an_encounter_has_a_field_for_every_column() -> None:
    named = columns(encounters) - set().union(*FOLDED.values())
    assert set(Encounter.model_fields) == named | set(FOLDED) | {"alert_ids"}
