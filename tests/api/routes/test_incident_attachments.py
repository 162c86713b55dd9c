"""Files attached to the Il-20 case through the API: Israel's radar log streamed in, checked by
its bytes, kept by its SHA-256 with the hash on the ledger, an item of Israel's own that no byte
Turkey or the mediator reads holds until Israel shares it, and then served back as attached;
every bad upload refused naming the field, with nothing stored."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from clearline.clock import FixedClock
from clearline.model.incident import ATTACHMENT_MAX_BYTES as LIMIT
from clearline.services.record.uploads import CHUNK
from tests.conftest import Line
from tests.support.incidents import INCIDENT, play
from tests.support.refusals import refused
from tests.support.seen import everything

INCIDENTS = "/v1/incidents"
LOG = b"time,track,emitter\n2026-11-22T15:01:07Z,7731,fire-control radar ZULU-4419\n"
NAME = "radar-log-ZULU-4419.csv"
SHA = hashlib.sha256(LOG).hexdigest()
SECRETS = ["ZULU-4419", SHA]
"""What no byte another party reads may hold before it is shown the file."""


@pytest.fixture
def case(line: Line, clock: FixedClock) -> int:
    """The Il-20 case filed by Turkey and referred to the mediator."""
    play(line, clock)
    answer = line.post("TR", INCIDENTS, json=INCIDENT)
    assert answer.status_code == 201, answer.text
    number: int = answer.json()["incident"]["id"]
    referred = line.post("TR", f"{INCIDENTS}/{number}/referral", json={"note": "Baku, please"})
    assert referred.status_code == 200, referred.text
    return number


def attach(
    line: Line,
    party: str,
    number: int,
    content: bytes | Iterator[bytes] = LOG,
    media_type: str = "text/csv",
    name: str = NAME,
) -> Any:
    return line.client.post(
        f"{INCIDENTS}/{number}/attachments",
        params={"name": name},
        content=content,
        headers=line.headers(party, "liaison_officer", **{"Content-Type": media_type}),
    )


def attached(line: Line, number: int) -> dict[str, Any]:
    answer = attach(line, "IL", number)
    assert answer.status_code == 201, answer.text
    (item,) = [i for i in answer.json()["evidence"] if i["type"] == "incident.attachment"]
    return dict(item)


def leaked(read: str) -> list[str]:
    return [secret for secret in SECRETS if secret in read]


def test_a_file_is_kept_by_its_hash_as_an_item_of_its_partys_own(line: Line, case: int) -> None:
    item = attached(line, case)
    assert (item["owner"], item["audience"], item["shared_with"]) == ("IL", ["IL"], [])
    assert item["payload"]["attachment"] == {
        "name": NAME,
        "sha256": SHA,
        "size": len(LOG),
        "media_type": "text/csv",
        "added_by": "IL",
        "added_at": item["payload"]["attachment"]["added_at"],
    }
    timeline = line.get("IL", f"{INCIDENTS}/{case}").json()["timeline"]
    (entry,) = [e for e in timeline if e["type"] == "incident.attachment"]
    assert entry["text"] == f"IL attached {NAME} (text/csv, {len(LOG)} bytes, sha256 {SHA})"

    back = line.get("IL", f"{INCIDENTS}/{case}/attachments/{SHA}")
    assert back.status_code == 200 and back.content == LOG
    assert back.headers["content-type"].startswith("text/csv")
    assert (back.headers["x-clearline-sha256"], back.headers["x-content-type-options"]) == (
        SHA,
        "nosniff",
    )
    assert back.headers["content-disposition"] == f"attachment; filename*=UTF-8''{NAME}"


def test_the_hash_is_on_the_ledger_for_the_attaching_party(line: Line, case: int) -> None:
    item = attached(line, case)
    events = line.get("IL", "/v1/events", limit=1_000).json()["events"]
    (event,) = [e for e in events if e["seq"] == item["seq"]]
    assert (event["type"], event["payload"]["attachment"]["sha256"]) == ("incident.attachment", SHA)
    (told,) = [e for e in events if e["payload"].get("change") == "attachment"]
    assert told["payload"]["item"] == item["seq"] and item["seq"] in told["payload"]["evidence"]


@pytest.mark.parametrize(
    ("party", "role"),
    [
        ("TR", "duty_officer"),
        ("TR", "watch_commander"),
        ("TR", "liaison_officer"),
        ("TR", "auditor"),
        ("AZ", "mediator"),
    ],
)
def test_no_byte_another_party_reads_holds_the_file_until_it_is_shown(
    line: Line, case: int, party: str, role: str
) -> None:
    attached(line, case)
    assert leaked(everything(line, "IL")) == SECRETS, "the search finds what is there"
    assert leaked(everything(line, party, role)) == []
    asked = line.get(party, f"{INCIDENTS}/{case}/attachments/{SHA}", role)
    assert (asked.status_code, asked.json()["field"]) == (404, "sha256")


def test_a_file_shown_reaches_whom_it_was_shown_to_and_no_one_else(line: Line, case: int) -> None:
    item = attached(line, case)
    shown = line.post(
        "IL", f"{INCIDENTS}/{case}/share", json={"with": "TR", "items": [item["seq"]]}
    )
    assert shown.status_code == 200, shown.text
    assert leaked(everything(line, "TR")) == SECRETS
    assert line.get("TR", f"{INCIDENTS}/{case}/attachments/{SHA}").content == LOG
    assert leaked(everything(line, "AZ", "mediator")) == [], "shown to TR, not to AZ"
    forwarded = line.post(
        "TR", f"{INCIDENTS}/{case}/share", json={"with": "AZ", "items": [item["seq"]]}
    )
    assert (forwarded.status_code, forwarded.json()["field"]) == (403, "items.0")


def test_a_file_past_the_limit_is_refused_as_it_streams(
    line: Line, engine: Engine, case: int
) -> None:
    """Sent without a length, it is cut off once past the limit: 413, nothing kept."""

    def stream() -> Iterator[bytes]:
        yield b"%PDF-1.7\n"
        for _ in range(LIMIT // CHUNK + 1):
            yield bytes(CHUNK)

    refusal = refused(engine, lambda: attach(line, "IL", case, stream(), "application/pdf"))
    assert (refusal.status, refusal.field) == (413, "content")
    assert "52428800 bytes (50 MiB)" in refusal.reason


@pytest.mark.parametrize(
    ("content", "media_type", "name", "status", "field"),
    [
        (b"%PDF-1.7\n" + bytes(64), "image/jpeg", "photo.jpg", 422, "content"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "text/plain", "log.txt", 422, "content"),
        (b"<script>alert(1)</script>", "text/html", "page.html", 422, "content_type"),
        (b"", "text/plain", "log.txt", 422, "content"),
        (LOG, "text/csv", "../../etc/passwd", 422, "name"),
    ],
)
def test_a_file_that_is_not_what_it_says_is_refused_naming_the_field(
    line: Line,
    engine: Engine,
    case: int,
    content: bytes,
    media_type: str,
    name: str,
    status: int,
    field: str,
) -> None:
    refusal = refused(engine, lambda: attach(line, "IL", case, content, media_type, name))
    assert (refusal.status, refusal.field) == (status, field)


def test_a_case_one_may_not_write_to_is_refused_before_the_file_is_read(
    line: Line, engine: Engine, case: int
) -> None:
    attached(line, case)
    twice = refused(engine, lambda: attach(line, "IL", case))
    assert (twice.status, twice.field) == (409, "content")
    nobody = refused(engine, lambda: attach(line, "IL", case + 1))
    assert (nobody.status, nobody.field) == (404, "id")
    mediator = line.client.post(
        f"{INCIDENTS}/{case}/attachments",
        params={"name": NAME},
        content=LOG,
        headers=line.headers("AZ", "mediator", **{"Content-Type": "text/csv"}),
    )
    assert mediator.status_code == 403, mediator.text
