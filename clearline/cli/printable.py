"""Other parties' free text, shown so that it cannot act on the terminal showing it.

What a party wrote is stored and sent as written; only its showing here is escaped. A control
character (C0 or C1: ESC starts the sequences that recolour or rewrite a terminal, a newline
would forge a line of ``clearline tail``) or a bidirectional control (U+202E reverses what
follows it) is written as its Python escape, ``\\x1b`` or ``\\u202e``, which a duty officer
can read and no terminal acts on.
"""

from __future__ import annotations

import re

from rich.console import Console
from rich.table import Table
from rich.text import Text

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""C0 and C1 controls, DEL, and the bidirectional marks, embeddings, overrides and isolates."""


def printable(text: str) -> str:
    """``text`` with every control character escaped; printable text is left as written."""
    return _UNSAFE.sub(lambda found: found[0].encode("unicode_escape").decode("ascii"), text)


def row(*cells: str) -> list[Text]:
    """A table row whose cells are escaped, and plain: ``[red]`` in a zone's name is not
    markup. Every cell, not only the free-text ones: names and reasons are typed by people too."""
    return [Text(printable(cell)) for cell in cells]


def show(table: Table) -> None:
    """A console made when the command runs, so that its width (COLUMNS) is the one now."""
    Console().print(table)
