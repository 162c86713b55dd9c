"""Generated input, on every route: no request a client can send gets a server error, and
every answer is one the OpenAPI describes.

Two sources. Schemathesis reads the line's own OpenAPI and generates requests for every
operation, valid and invalid by that schema; each answer must have a status, a content type
and a body the schema documents for that operation. Hypothesis writes the bodies no schema describes
but careless clients send: NaN and infinities where numbers go, lone surrogates and controls in
text, empty and long arrays, deep nesting. Each is sent as the user whose role the route takes,
on the real app with its real store; the answer must be below 500, and JSON.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks

from clearline.api.app import create_app
from tests.conftest import START, Line, warning
from tests.support.theatre import notice, volume
from tests.support.tracks import jet

pytestmark = pytest.mark.slow

ROLES = {"/v1/tracks": "system", "/v1/zones": "liaison_officer", "/v1/lines": "liaison_officer"}
"""The role each route is tried as where it is not the duty officer's."""
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
"""Few examples a route (there are some 40 routes, on two back-ends): enough to reach every
field; ``database=None`` so that a run does not depend on the last one's failures."""


def _role(path: str) -> str:
    return next((role for prefix, role in ROLES.items() if path.startswith(prefix)), "duty_officer")


schema = schemathesis.openapi.from_dict(create_app("sqlite://").openapi())
"""The line's OpenAPI, as it serves it at ``/openapi.json`` (making the app opens no store)."""


CONFORMANCE = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
"""What each answer is held to; not schemathesis's probes of authentication, which send the
request again without the token the test added."""


@schema.parametrize()
@SETTINGS
def test_no_request_the_schema_generates_gets_a_server_error_or_an_undocumented_answer(
    case: Any, line: Line
) -> None:
    headers = {**(case.headers or {}), **line.headers("IL", _role(case.path))}
    request = case.as_transport_kwargs(base_url=str(line.client.base_url), headers=headers)
    if not request.get("cookies"):
        request.pop("cookies", None)  # none generated: per-request cookies are deprecated
    # As bytes: a generated header may hold what is not ASCII, which a client can still send.
    request["headers"] = {k: str(v).encode() for k, v in request["headers"].items()}
    response = line.client.request(**request)
    assert response.status_code < 500, (case.method, case.formatted_path, response.text)
    case.validate_response(response, checks=CONFORMANCE)


SURPRISES = st.one_of(
    st.just(float("nan")),
    st.just(float("inf")),
    st.just(float("-inf")),
    st.just("\ud800"),
    st.just("\x1b[31m\u202e"),
    st.just([]),
    st.just([[]]),
    st.just([0] * 10_001),
    st.recursive(st.none(), lambda inner: st.lists(inner, max_size=2), max_leaves=60),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(max_size=30),
)
"""What a careless or hostile client puts where a value goes."""


def _paths(value: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Every place in a JSON value where a value could be swapped for another."""
    places = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            places += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            places += _paths(inner, (*prefix, index))
    return places


def _replaced(value: Any, path: tuple[str | int, ...], new: Any) -> Any:
    if not path:
        return new
    copy = json.loads(json.dumps(value))
    inner = copy
    for step in path[:-1]:
        inner = inner[step]
    inner[path[-1]] = new
    return copy


def _plan() -> dict[str, Any]:
    window = volume()
    properties = {"id": "p-1", "party": "IL", "kind": "air_patrol", "alt_lower_ft": 0}
    properties |= {"alt_upper_ft": 15_000, "start": window["start"], "end": window["end"]}
    geometry = window["geometry"]
    feature = {"type": "Feature", "geometry": geometry, "properties": properties}
    return {"plan": {"type": "FeatureCollection", "features": [feature]}}


VALID = {
    "/v1/notices": notice(free_text="inbound"),
    "/v1/messages": warning(to="TR", free_text="inbound"),
    "/v1/tracks": {"reports": [jet(START)]},
    "/v1/conflicts/check": _plan(),
    "/v1/positions": {"name": "T4", "kind": "base", "lat": 34.52, "lon": 37.63},
}
"""A valid body for each route that takes one, to be spoilt one place at a time."""


@pytest.mark.parametrize("path", VALID)
@SETTINGS
@given(data=st.data())
def test_no_spoilt_body_gets_a_server_error(line: Line, path: str, data: st.DataObject) -> None:
    valid = VALID[path]
    place = data.draw(st.sampled_from(_paths(valid)), label="place")
    body = json.dumps(_replaced(valid, place, data.draw(SURPRISES, label="value"))).encode()
    headers = line.headers("IL", _role(path), **{"Idempotency-Key": uuid.uuid4().hex})
    headers["Content-Type"] = "application/json"
    response = line.client.post(path, content=body, headers=headers)
    assert response.status_code < 500, (place, response.text)
    assert response.headers["content-type"] == "application/json"
