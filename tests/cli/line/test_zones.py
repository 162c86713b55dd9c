"""`clearline zone list` against a real server, with the zones imported before it started."""

from __future__ import annotations

import pytest

from tests.support.cli import rows, run_as, said, theatre_server
from tests.support.server import Api

line = pytest.fixture(scope="module")(theatre_server)


@pytest.mark.slow
def test_zone_list_shows_the_imported_zones_to_a_mediator(line: Api) -> None:
    table = rows(said(run_as(line, "AZ", "mediator", "zone list")))
    by_name = {cells[1]: cells for cells in table.values() if cells[0].isdigit()}
    assert by_name["Golan buffer zone"][2:] == [
        "buffer_zone",
        "agreed",
        "-1,500 to 100,000",
        "all",
        "high",
    ]
    assert by_name["T4 red line"][2:] == [
        "red_line_zone",
        "IL",
        "0 to 30,000",
        "air_strike, artillery_fire",
        "critical",
    ]
