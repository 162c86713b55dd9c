"""``clearline send``, ``inbox``, ``ack`` and ``tail``: the hotline from a terminal."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from clearline.cli.client import DEFAULT_URL, fail, once, request, without_none
from clearline.cli.options import IdempotencyKey, Token, Url
from clearline.cli.printable import row, show
from clearline.model.message import SYSTEM_TYPES, MessageType, Precedence
from clearline.model.times import dtg
from clearline.model.user import Language

SendableType = StrEnum(  # type: ignore[misc]
    "SendableType", {t.name: t.value for t in MessageType if t not in SYSTEM_TYPES}
)
"""The types a party may send: the line's own alerts are not offered."""


def send(
    to: Annotated[
        list[str], typer.Option(help="Receiving party code; once per party, for several.")
    ],
    type: Annotated[SendableType, typer.Option(help="Message type.")],
    precedence: Annotated[Precedence, typer.Option(help="FLASH, IMMEDIATE, PRIORITY, ROUTINE.")],
    token: Token,
    body: Annotated[str, typer.Option(help="The typed body as JSON.")] = "{}",
    free_text: Annotated[
        str | None, typer.Option(help="Text shown as written, untranslated.")
    ] = None,
    reply_to: Annotated[int | None, typer.Option(help="Id of the message this answers.")] = None,
    key: IdempotencyKey = None,
    url: Url = DEFAULT_URL,
) -> None:
    """Send a message; prints its id and state once the line has it on disk.

    Example: clearline send --to IL --type warning --precedence FLASH (--to TR --to RU: a copy
    to each)
    --body '{"hazard": "air_strike", "location": {"lat": 34.55, "lon": 38.28}, "radius_m": 20000}'
    """
    try:
        parsed = json.loads(body)
    except json.JSONDecodeError as exc:
        fail(f"body: not JSON ({exc.msg})")
    payload = {
        "to": to[0] if len(to) == 1 else to,
        "type": type,
        "precedence": precedence,
        "body": parsed,
        "free_text": free_text,
        "in_reply_to": reply_to,
    }
    sent = request("POST", url, token, "/v1/messages", json=payload, headers=once(key))
    for message in sent["messages"] if len(to) > 1 else [sent]:
        (recipient,) = message["recipients"]
        typer.echo(f"message {message['id']} to {recipient['party']}: {recipient['state']}")


def inbox(
    token: Token,
    box: Annotated[str, typer.Option(help="inbox, outbox or all.")] = "inbox",
    state: Annotated[str | None, typer.Option(help="e.g. sent, escalated, overdue.")] = None,
    pending: Annotated[
        bool,
        typer.Option(
            "--pending", help="What your party must still acknowledge, most urgent first."
        ),
    ] = False,
    lang: Annotated[Language | None, typer.Option(help="Render in this language.")] = None,
    url: Url = DEFAULT_URL,
) -> None:
    """List your party's messages, newest first; or, with --pending, its pending queue as the
    console shows it: most urgent first, a line's missed checks folded into one row.

    Example: clearline inbox --state escalated
    """
    if pending:
        if state is not None or box != "inbox":
            fail("pending: the queue is of your inbox, whatever its state: drop --box and --state")
        _show_pending(
            request("GET", url, token, "/v1/messages/pending", params=without_none({"lang": lang}))
        )
        return
    params = {k: v for k, v in {"box": box, "state": state, "lang": lang}.items() if v}
    found = request("GET", url, token, "/v1/messages", params=params)["messages"]
    table = Table("id", "prec", "from", "to", "type", "state", "time (DTG)", "text")
    for m in found:
        state_of = m["state"] or ",".join(f"{r['party']}:{r['state']}" for r in m["recipients"])
        table.add_row(
            *row(
                str(m["id"]),
                m["precedence"],
                m["sender_party"] or "line",
                ",".join(m["to"]),
                m["type"],
                state_of,
                m["created_dtg"],
                _text(m),
            )
        )
    show(table)


def _show_pending(queue: dict[str, Any]) -> None:
    """The queue, with how much of it the API left out; ``ack --item ID`` answers a row."""
    table = Table("id", "prec", "type", "count", "from", "due (DTG)", "last (DTG)", "text")
    for item in queue["items"]:
        m = item["message"]
        due = "overdue" if item["overdue"] else _dtg(item["due_at"])
        table.add_row(
            *row(
                str(m["id"]),
                m["precedence"],
                m["type"],
                str(item["count"]),
                m["sender_party"] or "line",
                due,
                _dtg(item["last_at"]),
                _text(m),
            )
        )
    show(table)
    shown = len(queue["items"])
    typer.echo(f"{queue['total']} pending ({queue['messages']} messages); {shown} shown")


def _text(m: dict[str, Any]) -> str:
    text = str(m["rendered"]["title"]) + ": " + str(m["rendered"]["text"])
    if m["free_text"]:
        text += f" [{m['rendered']['free_text_label']}] {m['free_text']}"
    return text


def _dtg(moment: str | None) -> str:
    return "" if moment is None else dtg(datetime.fromisoformat(moment))


def ack(
    message_id: Annotated[int, typer.Argument(help="Id of the message you have read.")],
    token: Token,
    item: Annotated[
        bool,
        typer.Option(
            "--item",
            help="Acknowledge the pending item it is in: a line's missed checks together.",
        ),
    ] = False,
    url: Url = DEFAULT_URL,
) -> None:
    """Acknowledge a message: tell the sender a human has read it.

    Example: clearline ack 42
    """
    if item:
        done = request("POST", url, token, f"/v1/messages/{message_id}/ack-item")["messages"]
        typer.echo(f"{len(done)} acknowledged: {', '.join(str(m['id']) for m in done)}")
        return
    message = request("POST", url, token, f"/v1/messages/{message_id}/ack")
    typer.echo(f"message {message['id']}: {message['state']}")


def tail(
    token: Token,
    since: Annotated[int, typer.Option(help="Last sequence number already seen.")] = 0,
    state_file: Annotated[
        Path | None, typer.Option(help="Keep the last sequence number here and resume from it.")
    ] = None,
    count: Annotated[int | None, typer.Option(help="Stop after this many events.")] = None,
    url: Url = DEFAULT_URL,
) -> None:
    """Follow the line's events live, resuming after a drop without gap or duplicate.

    Example: clearline tail --state-file ~/.clearline-tail
    """
    from clearline.cli.follow import follow

    if state_file is not None and state_file.exists():
        since = int(state_file.read_text().strip() or 0)
    asyncio.run(follow(url, token, since, state_file, count))
