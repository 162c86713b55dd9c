"""`clearline token issue|list|revoke` against a real server: Israel's liaison officer issues
its radar feed a tracks-only token, which is printed once and reports tracks but reads
nothing; lists it; revokes it, and the revoked token is refused in one line."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from tests.support.cli import clearline, refused, run_as, said
from tests.support.server import Api, demo_line, serve

LIAISON = "liaison_officer"
ISSUED = re.compile(
    r"token ([0-9a-f]{16}) for il-system \(tracks\), expires 2030-01-01T00:00:00Z; "
    r"shown once, keep it now:"
)


@pytest.fixture(scope="module")
def line(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    db, tokens = demo_line(tmp_path_factory.mktemp("tokens"))
    with serve(db) as server, Api(server, tokens) as api:
        yield api


@pytest.mark.parametrize("command", ["issue", "list", "revoke"])
def test_help_of_every_token_command_shows_an_example(command: str) -> None:
    shown = " ".join(said(clearline(f"token {command}", "--help")).split())
    assert f"Example: clearline token {command}" in shown


def test_a_token_is_issued_listed_and_revoked_from_the_cli(line: Api) -> None:
    issue = "token issue --label radar --scope tracks --user il-system --expires 2030-01-01"
    result = run_as(line, "IL", LIAISON, issue)
    secret = said(result)
    found = ISSUED.fullmatch(result.stderr.strip())
    assert found and secret.startswith("cl_"), result.stderr
    token_id = found.group(1)
    me = httpx.get(f"{line.server.url}/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert (me.status_code, me.json()["field"]) == (403, "scope")

    listed = said(run_as(line, "IL", LIAISON, "token list"))
    assert token_id in listed and "il-system" in listed and secret not in listed

    revoked = said(run_as(line, "IL", LIAISON, f"token revoke {token_id}"))
    assert re.fullmatch(rf"token {token_id} of il-system revoked at \S+", revoked)
    again = refused(run_as(line, "IL", LIAISON, f"token revoke {token_id}"), "token_id")
    assert again == f"error: token_id: token {token_id} was revoked already"
    gone = clearline("token list", "--token", secret, "--url", line.server.url)
    refused(gone, "Authorization")


def test_bad_token_options_are_one_line_naming_the_field(line: Api) -> None:
    refused(run_as(line, "IL", LIAISON, "token issue --label x --scope admin"), "--scope")
    refused(run_as(line, "IL", LIAISON, "token issue --label x --expires 2020-01-01"), "expires_at")
    refused(run_as(line, "TR", LIAISON, "token issue --label x --user il-system"), "user")
    refused(run_as(line, "TR", LIAISON, "token revoke 0123456789abcdef"), "token_id")
