"""Running the CLI as a user does, in a process of its own, and reading what it says."""

from __future__ import annotations

import shlex

from click.testing import Result
from typer.testing import CliRunner

from clearline.cli.main import app
from tests.support.server import (
    CLIENT_ENV,
)


def clearline(command: str, *more: str) -> Result:
    """``clearline COMMAND MORE...`` in this process, as a user with no CLEARLINE_* settings.

    ``command`` is split as a shell would; ``more`` is passed as it is (paths, JSON).
    """
    args = [*shlex.split(command), *more]
    return CliRunner().invoke(app, args, env=dict.fromkeys(CLIENT_ENV))


def refused(result: Result, field: str) -> str:
    """The refusal's one line: on stderr, naming ``field``, exit code not 0, no traceback."""
    assert result.exit_code != 0, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # not a crash
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert field in lines[0], lines[0]
    return lines[0]


def said(result: Result) -> str:
    """What a command that worked printed."""
    assert result.exit_code == 0, result.output
    return result.stdout.strip()
