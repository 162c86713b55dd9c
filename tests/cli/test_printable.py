"""Other parties' free text on a duty officer's terminal: shown as written, acting on nothing."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.table import Table

from clearline.cli.printable import printable, row


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("\x1b[31mALL CLEAR\x1b[0m", "\\x1b[31mALL CLEAR\\x1b[0m"),
        ("ok\n4242 line.restored", "ok\\n4242 line.restored"),
        ("abc\u202edcba", "abc\\u202edcba"),
        ("bell\x07 and C1 \x9b", "bell\\x07 and C1 \\x9b"),
    ],
    ids=["colour", "forged-line", "right-to-left-override", "bell-and-c1"],
)
def test_a_control_character_is_shown_as_its_escape(written: str, shown: str) -> None:
    assert printable(written) == shown


def test_text_in_any_script_is_left_as_written() -> None:
    written = "Gün ışığı · אזהרה · Привет · 12:00"
    assert printable(written) == written


def test_a_table_cell_is_not_markup() -> None:
    table = Table("text")
    table.add_row(*row("[red]ALL CLEAR[/red] \x1b[2J"))
    out = io.StringIO()
    Console(file=out, width=80, color_system=None).print(table)
    assert "[red]ALL CLEAR[/red] \\x1b[2J" in out.getvalue()
    assert "\x1b" not in out.getvalue()
