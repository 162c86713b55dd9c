"""The one HTTP client of the CLI: a line it cannot reach is one line naming it."""

from __future__ import annotations

from tests.support.cli import clearline, refused
from tests.support.server import free_port


def test_a_client_command_without_a_server_says_so_in_one_line() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    line = refused(clearline("inbox --token cl_x --url", url), "cannot reach")
    assert url in line
