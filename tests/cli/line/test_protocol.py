"""`clearline protocol show|diff` against a real server, with a version 2 stored beside the
version in force: the document as the line sends it, in JSON or YAML, the diff as a table, and
one line on stderr naming the field for an unknown agreement or version.

Amending it (`keygen`, `register`, `propose`, `proposals`, `approve`, `reject`) on a fresh demo
line: each liaison officer's key is made on their side, a patch is adopted by both parties'
signatures, a document that does not hash to its digest is never signed, and every bad input
is one line naming the field."""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import rfc8785
import typer
import yaml

from clearline import demo
from clearline.cli.line import protocol
from clearline.model.message import Precedence
from clearline.model.protocol import Protocol
from clearline.services.protocol.signatures import digest
from clearline.store import agreements as agreement_store
from clearline.store.database import create_engine, database_url
from clearline.store.writer import run_now
from tests.support.cli import AGREEMENT, clearline, later, refused, rows, run_as, said, write
from tests.support.server import Api, demo_line, serve


@pytest.fixture(scope="module")
def line(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The demo line, with a version 2 (a FLASH deadline of 90 s) stored but not in force."""
    db, tokens = demo_line(tmp_path_factory.mktemp("protocol"))
    v1 = Protocol()
    v2 = v1.model_copy(
        update={"version": 2, "ack_deadline_s": {**v1.ack_deadline_s, Precedence.FLASH: 90}}
    )
    engine = create_engine(database_url(str(db)))
    now = datetime.now(UTC)
    later = now + timedelta(days=30)
    run_now(engine, lambda c: agreement_store.insert_protocol(c, AGREEMENT, v2, now, later))
    engine.dispose()
    with serve(db) as server, Api(server, tokens) as api:
        yield api


@pytest.mark.slow
def test_show_prints_the_version_in_force_as_canonical_json_and_a_version_as_yaml(
    line: Api,
) -> None:
    shown = said(run_as(line, "IL", "duty_officer", "protocol show"))
    assert shown.encode() == rfc8785.dumps(Protocol().model_dump(mode="json"))
    text = said(run_as(line, "AZ", "mediator", "protocol show --version 2 --format yaml"))
    assert yaml.safe_load(text)["ack_deadline_s"]["FLASH"] == 90
    named = run_as(line, "TR", "duty_officer", f"protocol show --agreement {AGREEMENT}")
    assert said(named) == shown


@pytest.mark.slow
def test_diff_prints_each_rule_that_changed_and_nothing_for_the_same_version(line: Api) -> None:
    table = rows(said(run_as(line, "TR", "watch_commander", "protocol diff 1 2")))
    assert list(table.values()) == [
        ["version", "1", "2"],
        ["ack_deadline_s.FLASH", "120", "90"],
    ]
    same = said(run_as(line, "TR", "watch_commander", "protocol diff 2 2"))
    assert same == "no changes from version 2 to version 2"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "field"),
    [
        ("protocol show --version 7", "version"),
        ("protocol show --agreement no-such-line", "agreement_id"),
        ("protocol diff 1 7", "to"),
        ("protocol diff 7 1", "from"),
        ("protocol show --format xml", "--format"),
    ],
)
def test_bad_input_is_one_line_naming_the_field(line: Api, command: str, field: str) -> None:
    refused(run_as(line, "IL", "duty_officer", command), field)


# --- amending the protocol ------------------------------------------------------------------------

LIAISON = "liaison_officer"
FLASH_90 = {"ack_deadline_s": {"FLASH": 90}}
ADOPTED_IN_DAYS = 10
"""The amendment a test adopts takes effect then; the others' come after it, as they must."""


@pytest.fixture(scope="module")
def amending(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """A fresh demo line, at version 1 alone: its amendments are these tests' own."""
    db, tokens = demo_line(tmp_path_factory.mktemp("amending"))
    with serve(db) as server, Api(server, tokens) as api:
        yield api


def effective(days: float) -> str:
    return later(24 * days).isoformat()


def keygen(directory: Path, party: str) -> Path:
    key = directory / f"{party.lower()}.key"
    said(clearline("protocol keygen --key", str(key)))
    return key


def registered(line: Api, directory: Path, party: str) -> Path:
    """A liaison officer's key, made on their side and its public half registered."""
    key = keygen(directory, party)
    answer = said(run_as(line, party, LIAISON, "protocol register --key", str(key)))
    assert re.fullmatch(r"key [0-9a-f]{32} registered: approve proposals with --key .*", answer)
    return key


def proposed(line: Api, document: Path, *more: str, party: str = "IL", days: float = 20) -> int:
    """The number ``propose`` printed, checking its digest line."""
    command = f"protocol propose {document} --effective {effective(days)} --reason"
    printed = said(run_as(line, party, LIAISON, command, "tighter deadlines", *more)).splitlines()
    found = re.fullmatch(r"proposal (\d+): version \d+, open, to take effect at .*", printed[0])
    assert found, printed
    assert re.fullmatch(r"digest [0-9a-f]{64}", printed[1])
    return int(found.group(1))


def proposal(line: Api, number: int) -> dict[str, Any]:
    answer = line.get("IL", f"/v1/agreements/{AGREEMENT}/proposals/{number}", LIAISON)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def test_keygen_writes_a_key_only_its_owner_reads_and_never_overwrites_it(tmp_path: Path) -> None:
    key = tmp_path / "officer" / "signing.key"
    printed = said(clearline("protocol keygen --key", str(key))).splitlines()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert re.fullmatch(r"public key \S{44} \(key id [0-9a-f]{32}\)", printed[1])
    assert printed[2] == f"register it with the line: clearline protocol register --key {key}"
    kept = key.read_bytes()
    line = refused(clearline("protocol keygen --key", str(key)), "key")
    assert line == f"error: key: {key} exists already; a key is never overwritten"
    assert key.read_bytes() == kept


@pytest.mark.slow
def test_both_liaison_officers_sign_a_patch_with_their_own_keys_and_adopt_it(
    amending: Api, tmp_path: Path
) -> None:
    il, tr = registered(amending, tmp_path, "IL"), registered(amending, tmp_path, "TR")
    patch = write(tmp_path / "flash.json", FLASH_90)
    number = proposed(amending, patch, "--patch", days=ADOPTED_IN_DAYS)

    signed_once = said(run_as(amending, "IL", LIAISON, f"protocol approve {number} --key", str(il)))
    assert rows(signed_once)["ack_deadline_s.FLASH"] == ["ack_deadline_s.FLASH", "120", "90"]
    assert signed_once.splitlines()[1] == "reason: tighter deadlines"
    assert signed_once.splitlines()[-1] == f"proposal {number}: open: waiting for TR (signed by IL)"

    adopted = said(run_as(amending, "TR", LIAISON, f"protocol approve {number} --key", str(tr)))
    assert re.fullmatch(
        rf"proposal {number}: adopted: in force from \S+Z \(\S+\)", adopted.splitlines()[-1]
    )

    listed = rows(
        said(run_as(amending, "TR", "duty_officer", "protocol proposals --state adopted"))
    )
    assert listed[str(number)][:4] == [str(number), "2", "adopted", "IL"]
    assert listed[str(number)][5:] == ["IL, TR", "tighter deadlines"]
    shown = said(run_as(amending, "IL", "duty_officer", "protocol show --version 2"))
    assert json.loads(shown)["ack_deadline_s"]["FLASH"] == 90


def test_a_document_that_does_not_hash_to_the_proposals_digest_is_not_signed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    honest = Protocol().model_copy(update={"version": 2})
    doctored = {**honest.model_dump(mode="json"), "line_check_interval_s": 60}
    found = {"number": 4, "state": "open", "protocol": doctored, "digest": digest(honest)}
    with pytest.raises(typer.Exit):
        protocol.signed_document(found)
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("error: digest: proposal 4's document hashes to ")
    assert protocol.signed_document({**found, "protocol": honest.model_dump(mode="json")}) == honest


@pytest.mark.slow
def test_approve_signs_nothing_when_the_line_doctors_the_document(
    amending: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line that shows one document under another's digest gets no signature."""
    key = registered(amending, tmp_path, "IL")
    number = proposed(
        amending, write(tmp_path / "flash.json", {"ack_deadline_s": {"FLASH": 80}}), "--patch"
    )

    def doctoring(method: str, *args: Any, **kwargs: Any) -> Any:
        answer = protocol_request(method, *args, **kwargs)
        if method == "GET" and args[-1].endswith(f"/proposals/{number}"):
            answer["protocol"]["ack_deadline_s"]["FLASH"] = 300
        return answer

    protocol_request = protocol.request
    monkeypatch.setattr(protocol, "request", doctoring)
    refused(run_as(amending, "IL", LIAISON, f"protocol approve {number} --key", str(key)), "digest")
    assert proposal(amending, number)["approvals"] == []


@pytest.mark.slow
def test_a_whole_document_in_yaml_is_proposed_and_rejected_by_the_other_party(
    amending: Api, tmp_path: Path
) -> None:
    document = yaml.safe_load(said(run_as(amending, "IL", LIAISON, "protocol show --format yaml")))
    del document["version"]
    document["line_check_interval_s"] = 1_800
    file = tmp_path / "v-next.yaml"
    file.write_text(yaml.safe_dump(document))
    number = proposed(amending, file)
    assert proposal(amending, number)["protocol"]["line_check_interval_s"] == 1_800

    command = f"protocol reject {number} --reason"
    assert (
        said(run_as(amending, "TR", LIAISON, command, "too often"))
        == f"proposal {number}: rejected"
    )
    listed = rows(said(run_as(amending, "IL", LIAISON, "protocol proposals --state rejected")))
    assert listed[str(number)][2] == "rejected"
    key = keygen(tmp_path, "IL")
    late = run_as(amending, "IL", LIAISON, f"protocol approve {number} --key", str(key))
    assert (
        refused(late, "number") == f"error: number: proposal {number} is rejected, no longer open"
    )


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """A folder of the files the bad inputs name: a patch, YAML that does not parse, a JSON
    list, and a key that is not registered."""
    write(tmp_path / "flash.json", {"ack_deadline_s": {"FLASH": 70}})  # not yet the rule
    write(tmp_path / "list.json", [FLASH_90])
    (tmp_path / "bad.yaml").write_text("rules: [unclosed\n")
    said(clearline("protocol keygen --key", str(tmp_path / "own.key")))
    return tmp_path


@pytest.mark.slow
@pytest.mark.parametrize(
    ("role", "arguments", "field"),
    [
        (LIAISON, "none.json --patch --effective {later}", "file"),
        (LIAISON, "bad.yaml --effective {later}", "file"),
        (LIAISON, "list.json --effective {later}", "file"),
        (LIAISON, "flash.json --patch --effective tomorrow", "effective"),
        (LIAISON, "flash.json --patch --effective 2026-12-10T00:00", "effective"),
        (LIAISON, "flash.json --patch --effective 2020-01-01T00:00Z", "effective_at"),
        ("duty_officer", "flash.json --patch --effective {later}", "role"),
    ],
)
def test_bad_proposals_are_one_line_naming_the_field(
    amending: Api, files: Path, role: str, arguments: str, field: str
) -> None:
    filled = arguments.format(later=effective(30))
    command = f"protocol propose {files}/{filled} --reason"
    refused(run_as(amending, "IL", role, command, "why"), field)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("role", "command", "field"),
    [
        ("duty_officer", "protocol register --key {dir}/own.key", "role"),
        (LIAISON, "protocol register --key {dir}/none.key", "key"),
        (LIAISON, "protocol approve 99 --key {dir}/none.key", "key"),
        (LIAISON, "protocol approve 99 --key {dir}/own.key", "number"),
        (LIAISON, "protocol reject 99", "--reason"),
        (LIAISON, "protocol proposals --state pending", "--state"),
    ],
)
def test_bad_keys_and_numbers_are_one_line_naming_the_field(
    amending: Api, files: Path, role: str, command: str, field: str
) -> None:
    refused(run_as(amending, "IL", role, command.format(dir=files)), field)


@pytest.fixture(scope="module")
def joinable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """A fresh demo line on an installation where Russia, with a line to Israel of its own and
    a liaison officer, may be asked to join."""
    folder = tmp_path_factory.mktemp("joining")
    db, tokens = demo_line(folder)
    command = f"agreement create il-ru --name IL-RU --party 'IL={demo.ISRAEL.name}' --party"
    said(clearline(command, "RU=Russia", "--db", str(db)))
    said(clearline("user add ru-liaison --party RU --role liaison_officer --db", str(db)))
    tokens["RU"] = {LIAISON: said(clearline("token create ru-liaison --db", str(db)))}
    with serve(db) as server, Api(server, tokens) as api:
        yield api


@pytest.mark.slow
def test_russia_is_asked_to_join_and_signs_with_its_own_key(joinable: Api, tmp_path: Path) -> None:
    ru = registered(joinable, tmp_path, "RU")
    command = f"protocol propose --join RU --agreement {AGREEMENT} --effective {effective(20)}"
    command += " --reason"
    printed = said(run_as(joinable, "IL", LIAISON, command, "Russia joins")).splitlines()
    found = re.fullmatch(r"proposal (\d+): version 2, open, to take effect at .*", printed[0])
    assert found, printed
    approve = f"protocol approve {found.group(1)} --agreement {AGREEMENT} --key {ru}"
    shown = said(run_as(joinable, "RU", LIAISON, approve))
    assert "parties" in shown and '"RU"' in shown, shown
    assert (
        shown.splitlines()[-1]
        == f"proposal {found.group(1)}: open: waiting for IL, TR (signed by RU)"
    )


def test_a_join_is_refused_in_one_line_naming_the_field(joinable: Api) -> None:
    command = f"protocol propose --agreement {AGREEMENT} --effective {effective(20)} --reason why"
    refused(run_as(joinable, "IL", LIAISON, command, "--join", "TR"), "joining")
    refused(run_as(joinable, "IL", LIAISON, command), "file")
