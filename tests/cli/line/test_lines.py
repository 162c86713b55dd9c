"""`clearline line list|suspend|restore` against a real server: held messages arrive on restore;
only a liaison officer may suspend."""

from __future__ import annotations

import pytest

from tests.support.cli import demo_server, refused, run_as, said, send_warning, sent_id
from tests.support.server import Api

line = pytest.fixture(scope="module")(demo_server)


@pytest.mark.slow
def test_a_liaison_officer_suspends_and_restores_the_line_and_held_messages_then_arrive(
    line: Api,
) -> None:
    suspended = run_as(line, "IL", "liaison_officer", "line suspend TR --reason 'talks broken off'")
    try:
        assert said(suspended) == "line IL–TR: suspended"
        assert "suspended" in said(run_as(line, "TR", "duty_officer", "line list"))
        (seen,) = line.get("TR", "/v1/lines").json()
        assert (seen["line"]["state"], seen["line"]["reason"]) == ("suspended", "talks broken off")

        held = sent_id(send_warning(line), state="held")
        assert line.get("IL", f"/v1/messages/{held}").status_code == 404  # not on IL's side yet
        refused(run_as(line, "TR", "liaison_officer", "line restore IL"), "party")
        refused(run_as(line, "IL", "liaison_officer", "line suspend TR --reason again"), "state")
    finally:
        restored = run_as(line, "IL", "liaison_officer", "line restore TR")
    assert said(restored) == "line IL–TR: restored"
    assert line.get("IL", f"/v1/messages/{held}").json()["state"] == "sent"
    refused(run_as(line, "IL", "liaison_officer", "line restore TR"), "state")


@pytest.mark.slow
def test_only_a_liaison_officer_may_suspend_a_line(line: Api) -> None:
    result = run_as(line, "IL", "duty_officer", "line suspend TR --reason no")
    assert refused(result, "role") == (
        "error: role: only a liaison officer may suspend or restore a line"
    )
