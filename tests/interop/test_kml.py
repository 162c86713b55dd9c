"""KML: zones exported to KML and imported again into another line are the same zones (a
circle still a circle); a zone drawn in Google Earth is imported from its ExtendedData; what
is not KML, or holds entities, is refused in one line; and the picture a party may see is one
KML document, every record in its folder with its place and times, nothing blind to it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastkml import KML, Placemark

from clearline.clock import FixedClock
from tests.conftest import Line
from tests.support.cli import AGREEMENT, ZONES, clearline, exported_zones, refused, said, write
from tests.support.server import demo_line
from tests.support.theatre import circle, filed, notice, volume
from tests.support.tracks import jet, uav

KML_NS = "http://www.opengis.net/kml/2.2"


def test_zones_go_to_kml_and_come_back_the_same(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    first, _ = demo_line(tmp_path / "a")
    imported = clearline(
        f"zone import --agreement {AGREEMENT} --db",
        str(first),
        str(write(tmp_path / "z.geojson", ZONES)),
    )
    assert said(imported) == "2 zones imported"
    out = tmp_path / "zones.kml"
    written = clearline(f"zone export --agreement {AGREEMENT} --out", str(out), "--db", str(first))
    assert said(written) == f"2 zones written to {out}"
    placemarks = list(walk(KML.from_string(out.read_text())))
    assert [p.name for p in placemarks] == ["Golan buffer zone", "T4 red line"]
    assert placemarks[1].geometry.geom_type == "Polygon"  # the red line's circle, drawn
    second, _ = demo_line(tmp_path / "b")
    again = clearline(f"zone import --agreement {AGREEMENT} --db", str(second), str(out))
    assert said(again) == "2 zones imported"
    assert exported_zones(second) == exported_zones(first)


def test_a_zone_drawn_in_google_earth_is_imported_from_its_extended_data(tmp_path: Path) -> None:
    db, _ = demo_line(tmp_path)
    drawn = tmp_path / "drawn.kml"
    drawn.write_text(
        f'<kml xmlns="{KML_NS}"><Document><Folder><Placemark><name>Deir ez-Zor buffer</name>'
        '<ExtendedData><Data name="kind"><value>buffer_zone</value></Data>'
        '<Data name="alt_upper_ft"><value>20000</value></Data></ExtendedData>'
        "<Polygon><outerBoundaryIs><LinearRing><coordinates>"
        "40.0,35.2,0 40.2,35.2,0 40.2,35.4,0 40.0,35.4,0 40.0,35.2,0"
        "</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Folder></Document></kml>"
    )
    assert (
        said(clearline(f"zone import --agreement {AGREEMENT} --db", str(db), str(drawn)))
        == "1 zone imported"
    )
    (zone,) = exported_zones(db)
    assert zone["properties"]["name"] == "Deir ez-Zor buffer"
    assert zone["properties"]["alt_upper_ft"] == 20_000
    assert zone["geometry"]["coordinates"][0][1] == [40.2, 35.2]  # heights dropped


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("no kml here", "not KML"),
        ('<!DOCTYPE k [<!ENTITY a "aaaa">]><kml>&a;</kml>', "refused XML (DTDForbidden)"),
    ],
)
def test_what_is_not_kml_is_refused_in_one_line(tmp_path: Path, text: str, reason: str) -> None:
    db, _ = demo_line(tmp_path)
    bad = tmp_path / "bad.kml"
    bad.write_text(text)
    assert reason in refused(
        clearline(f"zone import --agreement {AGREEMENT} --db", str(db), str(bad)), "file"
    )


def walk(container: Any) -> list[Placemark]:
    found = []
    for feature in getattr(container, "features", None) or []:
        found += [feature] if isinstance(feature, Placemark) else walk(feature)
    return found


def test_the_picture_a_party_may_see_is_one_kml_document(line: Line, clock: FixedClock) -> None:
    red_line = {
        "name": "T4 red line",
        "kind": "red_line_zone",
        "owner": "IL",
        "geometry": circle((37.63, 34.52), 30_000),
    }
    assert line.post("IL", "/v1/zones", "liaison_officer", json=red_line).status_code == 201
    theirs = filed(line, "TR", notice("uav_flight", volume(circle((38.6, 34.9), 5_000))))
    hidden = filed(
        line, "TR", notice("uav_flight", volume(circle((38.777, 34.888), 3_333)), sharing="blind")
    )
    assert (
        line.report(
            "TR", uav(clock.now()), {**jet(clock.now()), "track_id": "GHOST", "share_with": []}
        ).status_code
        == 200
    )
    answer = line.get("IL", "/v1/map.kml")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/vnd.google-earth.kml+xml")
    for value in (f"notice-{hidden['id']}", "38.777", "GHOST"):
        assert value not in answer.text
    document = KML.from_string(answer.text).features[0]
    folders = {folder.name: walk(folder) for folder in document.features}
    assert [p.name for p in folders["Zones"]] == ["T4 red line"]
    (flight,) = folders["Notices"]
    assert flight.id == f"notice-{theirs['id']}-0"
    start = datetime.fromisoformat(theirs["versions"][0]["volumes"][0]["start"])
    assert flight.times.begin.dt == start
    (track,) = folders["Tracks"]
    assert track.name == "TR-ANKA-3" and track.geometry.z == pytest.approx(15_000 * 0.3048)
    assert folders["Declared positions"] == [] and folders["Conflicts"] == []
