"""Every byte a party can read of the line, through every route that shows records: what the
visibility suites search for a hidden record's values."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from tests.support.acting import ActsAs

RECORDS = (
    "/v1/conflicts",
    "/v1/conflicts/checks",
    "/v1/notices",
    "/v1/encounters",
    "/v1/tracks",
    "/v1/zones",
    "/v1/positions",
)
"""The parties' own records, each a list."""


def everything(line: Any, party: str, role: str = "duty_officer") -> str:
    """Lists and records, events, the stream from the first event, the whole ledger as the
    party gets it, its agreements, and every incident it sees with its dossier, unzipped, and its
    files. (Not the protocol, whose rules name every kind of activity: a hidden kind would
    be found in it.) A
    mediator is refused the parties' own records (it reads figures), so it is searched for the
    rest."""
    routes: list[tuple[str, dict[str, Any]]] = [
        ("/v1/events", {"limit": 5_000}),
        ("/v1/incidents", {}),
    ]
    if role != "mediator":
        routes += [(route, {}) for route in RECORDS]
        routes.append(("/v1/messages", {"box": "all"}))
        routes += [(f"/v1/conflicts/{c['id']}", {}) for c in _list(line, party, role, "conflicts")]
        routes += [(f"/v1/messages/{m['id']}", {}) for m in _list(line, party, role, "messages")]
    routes.append(("/v1/agreements", {}))
    incidents = _list(line, party, role, "incidents")
    routes += [(f"/v1/incidents/{i['id']}", {}) for i in incidents]
    size = line.get(party, "/v1/ledger/head", role).json()["tree_head"]["size"]
    routes.append(("/v1/ledger/entries", {"start": 0, "end": size}))
    read = [_ok(line, party, role, route, params) for route, params in routes]
    read += [_dossier(line, party, role, i["id"]) for i in incidents]
    read += [_files(line, party, role, i["id"]) for i in incidents]
    events = line.get(party, "/v1/events", role, limit=5_000).json()["events"]
    return "\n".join(read + _stream(line, party, role, len(events)))


def _list(line: ActsAs, party: str, role: str, name: str) -> list[dict[str, Any]]:
    params = {"box": "all"} if name == "messages" else {}
    answer = line.get(party, f"/v1/{name}", role, **params)
    assert answer.status_code == 200, answer.text
    return list(answer.json()[name])


def _ok(line: ActsAs, party: str, role: str, route: str, params: dict[str, Any]) -> str:
    """The route's answer; for a party in several agreements, where the route asks which, its
    answer in each."""
    answer = line.get(party, route, role, **params)
    asks = answer.status_code == 422 and answer.json()["field"] == "agreement"
    if asks and "agreement" not in params:
        return "\n".join(
            _ok(line, party, role, route, {**params, "agreement": agreement})
            for agreement in _agreements(line, party, role)
        )
    assert answer.status_code == 200, (route, answer.text)
    return str(answer.text)


def _agreements(line: ActsAs, party: str, role: str) -> list[str]:
    views = line.get(party, "/v1/agreements", role).json()["agreements"]
    return [view["agreement"]["id"] for view in views]


def _dossier(line: ActsAs, party: str, role: str, incident_id: int) -> str:
    answer = line.get(party, f"/v1/incidents/{incident_id}/dossier", role)
    assert answer.status_code == 200, answer.text
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        return "\n".join(_text(archive.read(name)) for name in archive.namelist())


def _files(line: ActsAs, party: str, role: str, incident_id: int) -> str:
    """Every file attached to the case that the party is offered, downloaded."""
    case = line.get(party, f"/v1/incidents/{incident_id}", role).json()
    files = [
        line.get(party, f"/v1/incidents/{incident_id}/attachments/{sha256}", role)
        for sha256 in (
            i["payload"]["attachment"]["sha256"]
            for i in case["evidence"]
            if i["type"] == "incident.attachment"
        )
    ]
    assert all(f.status_code == 200 for f in files), [f.text for f in files]
    return "\n".join(_text(f.content) for f in files)


def _text(data: bytes) -> str:
    """Bytes searched as text: a photo's bytes that are not UTF-8 cannot hold a value."""
    return data.decode("utf-8", "replace")


def _stream(line: Any, party: str, role: str, count: int) -> list[str]:
    """The stream from the first event on: the same events as frames."""
    headers = line.headers(party, role)
    with line.client.websocket_connect("/v1/stream?since=0", headers=headers) as ws:
        return [ws.receive_text() for _ in range(count)]
