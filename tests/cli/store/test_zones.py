"""`clearline zone import` and `clearline zone export` on a real SQLite store: a round trip
between databases, all or nothing, and an import while the line runs screened and on the record."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from clearline.model.zone import ZoneIn
from tests.support.cli import (
    AGREEMENT,
    ZONES,
    clearline,
    exported_zones,
    file_at,
    open_conflicts,
    refused,
    said,
    write,
)
from tests.support.server import Api, demo_line, serve
from tests.support.theatre import PALMYRA, T4, circle


def test_zone_import_and_export_round_trip_between_databases(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    first, _ = demo_line(tmp_path / "a")
    zones = write(tmp_path / "zones.geojson", ZONES)
    imported = clearline(f"zone import --agreement {AGREEMENT} --db", str(first), str(zones))
    assert said(imported) == "2 zones imported"

    exported = exported_zones(first)
    for given, got in zip(ZONES["features"], exported, strict=True):
        zone = ZoneIn.model_validate({**given["properties"], "geometry": given["geometry"]})
        assert got["geometry"] == given["geometry"]
        assert got["properties"] == zone.model_dump(mode="json", exclude={"geometry"})
    assert exported[1]["properties"]["alt_upper_ft"] == 30_000  # FL300, read once for all

    out = tmp_path / "exported.geojson"
    written = clearline(f"zone export --agreement {AGREEMENT} --out", str(out), "--db", str(first))
    assert said(written) == f"2 zones written to {out}"
    second, _ = demo_line(tmp_path / "b")
    again = clearline(f"zone import --agreement {AGREEMENT} --db", str(second), str(out))
    assert said(again) == "2 zones imported"
    assert exported_zones(second) == exported


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "moat"}, "features.1.kind"),
        ({"name": "Golan buffer zone"}, "features.1.name"),  # taken by feature 0
        ({"owner": "RU"}, "features.1.owner"),
        ({"alt_upper_ft": "FL3000"}, "features.1.alt_upper_ft"),
    ],
    ids=["unknown-kind", "name-taken", "owner-not-a-party", "not-a-flight-level"],
)
def test_zone_import_of_a_bad_feature_names_it_and_imports_none(
    tmp_path: Path, change: dict[str, Any], field: str
) -> None:
    db, _ = demo_line(tmp_path)
    good, bad = ZONES["features"]
    collection = {
        **ZONES,
        "features": [good, {**bad, "properties": {**bad["properties"], **change}}],
    }
    zones = write(tmp_path / "zones.geojson", collection)
    result = clearline(f"zone import --agreement {AGREEMENT} --db", str(db), str(zones))
    assert result.exit_code == 2
    assert refused(result, field).startswith(f"error: {field}")
    assert exported_zones(db) == []  # all or nothing


def test_zones_of_an_unknown_agreement_are_refused_naming_it(tmp_path: Path) -> None:
    db, _ = demo_line(tmp_path)
    empty = write(tmp_path / "zones.geojson", {"type": "FeatureCollection", "features": []})
    refused(clearline("zone import --agreement il-ru --db", str(db), str(empty)), "agreement")
    refused(clearline("zone export --agreement il-ru --db", str(db)), "agreement")


def test_zone_import_of_a_file_that_is_no_collection_names_type(tmp_path: Path) -> None:
    db, _ = demo_line(tmp_path)
    for document in ([], {"type": "Feature"}):
        zones = write(tmp_path / "zones.geojson", document)
        result = clearline(f"zone import --agreement {AGREEMENT} --db", str(db), str(zones))
        assert refused(result, "type") == (
            "error: type: expected a GeoJSON FeatureCollection with a features list"
        )


@pytest.mark.slow
def test_a_zone_imported_while_the_line_runs_is_screened_and_on_the_record(tmp_path: Path) -> None:
    """Zones agreed at talks are set up on the store while the line serves: the running line
    screens the next notice against them, and the import is in the ledger, signed, like any
    other write."""
    db, tokens = demo_line(tmp_path)
    kept = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": circle(PALMYRA, 30_000),
                "properties": {"name": "Palmyra", "kind": "restricted_area", "owner": "IL"},
            }
        ],
    }
    with serve(db) as server, Api(server, tokens) as api:
        file_at(api, "TR", T4)  # the line has built its index before the import
        zones = write(tmp_path / "zones.geojson", kept)
        said(clearline(f"zone import --agreement {AGREEMENT} --db", str(db), str(zones)))
        file_at(api, "TR", PALMYRA)
        assert [c["source"] for c in open_conflicts(api, "TR")] == ["zone"]
    exported = tmp_path / "il.jsonl"
    said(clearline("ledger export --party IL --out", str(exported), "--db", str(db)))
    key = said(clearline("ledger key --db", str(db)))
    assert said(clearline("verify", str(exported), "--key", key)).startswith("ledger verified")
    types = [
        json.loads(json.loads(line)["entry"]["envelope"])["type"]
        for line in exported.read_text().splitlines()
        if '"envelope"' in line  # IL's own entries; the others are leaf hashes alone
    ]
    assert types.count("zone.added") == 1
