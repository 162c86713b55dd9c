"""``clearline replay``: an encounter through the line's alerting, printed as DAIDALUS's
DaidalusAlerting prints it. Bad input is one line naming the line or key, with exit code 2."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from clearline.cli.main import app
from tests.support.cli import refused
from tests.support.daidalus import CONF, DATA, differences, expected_report
from tests.support.server import CLIENT_ENV

H1 = DATA / "scenarios" / "H1.daa"


def clearline(command: str, *more: str) -> Result:
    """``clearline COMMAND MORE...`` in this process, with no CLEARLINE_* settings."""
    return CliRunner().invoke(app, [*shlex.split(command), *more], env=dict.fromkeys(CLIENT_ENV))


def printed(result: Result) -> str:
    """The report on stdout, as it is (its header starts with a space)."""
    assert result.exit_code == 0, result.output
    return result.stdout


def test_replay_with_the_reference_conf_prints_daidalus_report() -> None:
    result = clearline("replay", str(H1), "--conf", str(CONF))
    assert differences(printed(result), expected_report("H1", raw=False)) == []


def test_replay_raw_with_the_default_thresholds_prints_the_raw_report() -> None:
    result = clearline("replay --raw", str(H1))
    assert differences(printed(result), expected_report("H1", raw=True)) == []


def test_replay_writes_the_report_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "H1.csv"
    result = clearline("replay", str(H1), "--out", str(out))
    assert "230 rows written" in result.stderr and printed(result) == ""
    assert differences(out.read_text(), expected_report("H1", raw=False)) == []


def test_replay_takes_the_well_clear_of_a_protocol_file(tmp_path: Path) -> None:
    """A protocol whose warning fires 10 s ahead instead of 25 s warns later than DO-365."""
    levels = [{"volume": {"vertical_ft": 700}}, {}, {"alerting_time_s": 10}]
    protocol = tmp_path / "protocol.json"
    protocol.write_text(json.dumps({"version": 1, "well_clear": {"levels": levels}}))
    ours = printed(clearline("replay --raw", str(H1), "--protocol", str(protocol)))
    theirs = expected_report("H1", raw=True)
    assert ours.count(", 1, 3, ") < theirs.count(", 1, 3, ")
    assert ours.count(", 1, 2, ") > theirs.count(", 1, 2, ")


def test_a_bad_encounter_is_one_line_naming_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.daa"
    bad.write_text(
        "NAME lat lon alt trk gs vs time\nown 34 38 15000 90 400 0 0\nint 34 x 1 2 3 4 0\n"
    )
    result = clearline("replay", str(bad))
    assert result.exit_code == 2
    assert "line 3: lon 'x'" in refused(result, "bad.daa")


def test_a_conf_without_a_key_is_one_line_naming_it(tmp_path: Path) -> None:
    conf = tmp_path / "short.conf"
    conf.write_text(CONF.read_text().replace("lookahead_time", "look_ahead"))
    result = clearline("replay", str(H1), "--conf", str(conf))
    assert result.exit_code == 2
    refused(result, "lookahead_time")


def test_a_protocol_with_a_bad_well_clear_is_one_line_naming_the_field(tmp_path: Path) -> None:
    protocol = tmp_path / "protocol.json"
    protocol.write_text(json.dumps({"well_clear": {"m": 5, "n": 4}}))
    result = clearline("replay", str(H1), "--protocol", str(protocol))
    assert result.exit_code == 2
    assert "m is larger than n" in refused(result, "well_clear")


def test_conf_and_protocol_together_are_refused(tmp_path: Path) -> None:
    protocol = tmp_path / "protocol.json"
    protocol.write_text("{}")
    result = clearline("replay", str(H1), "--conf", str(CONF), "--protocol", str(protocol))
    assert result.exit_code == 2
    refused(result, "--protocol")


def test_a_missing_encounter_is_one_line() -> None:
    result = clearline("replay", "no-such.daa")
    assert result.exit_code == 2
    refused(result, "no-such.daa")
