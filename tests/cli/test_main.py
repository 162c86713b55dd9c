"""The `clearline` app as a whole: every command's help shows an example, and a usage error
is one readable line on stderr, like every other refusal."""

from __future__ import annotations

from importlib.metadata import version

import pytest

from tests.support.cli import clearline, refused, said


@pytest.mark.parametrize(
    "command",
    [
        "",
        "init",
        "serve",
        "send",
        "inbox",
        "ack",
        "tail",
        "user add",
        "token create",
        "agreement create",
        "line list",
        "line suspend",
        "line restore",
        "notice file",
        "notice amend",
        "notice cancel",
        "notice list",
        "zone import",
        "zone export",
        "zone list",
        "position declare",
        "position list",
        "conflicts check",
        "conflicts list",
        "conflicts ack",
        "conflicts accept",
        "protocol show",
        "protocol diff",
        "protocol keygen",
        "protocol register",
        "protocol propose",
        "protocol proposals",
        "protocol approve",
        "protocol reject",
        "round create",
        "round list",
        "round show",
        "round agenda",
        "round minutes",
        "round attach",
        "round table",
        "round close",
    ],
    ids=lambda command: command or "clearline",
)
def test_help_of_every_command_shows_an_example(command: str) -> None:
    shown = " ".join(said(clearline(command, "--help")).split())
    assert f"Example: clearline {command}".strip() in shown


def test_a_mistyped_option_value_is_one_line_too() -> None:
    refused(clearline("send --to IL --type warnin --precedence FLASH --token cl_x"), "--type")


def test_the_version_is_the_packages() -> None:
    result = clearline("--version")
    assert result.exit_code == 0
    assert result.stdout == f"clearline {version('clearline')}\n"
