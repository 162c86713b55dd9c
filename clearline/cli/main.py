"""``clearline``: set up a line, serve it, and stand a watch on it from a terminal.

This module only builds the command line from its groups, by kind, as ``clearline --help``
shows them: commands on the node's database (``cli/store``: run them beside the node, with
``--db``) apart from commands that call a running line (``cli/line``: with ``--url`` and
``--token``, as any party's system would).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from functools import partial
from importlib.metadata import version
from typing import Annotated, Any

import typer
from typer._click.exceptions import ClickException, NoArgsIsHelpError  # typer bundles click
from typer.core import TyperGroup
from typer.exceptions import Abort

from clearline.cli.demo import demo_command
from clearline.cli.line import agreements as line_agreements
from clearline.cli.line import (
    conflicts,
    incidents,
    lines,
    messages,
    notices,
    positions,
    protocol,
    rounds,
    second_factor,
)
from clearline.cli.line import tokens as line_tokens
from clearline.cli.line import users as line_users
from clearline.cli.line import zones as line_zones
from clearline.cli.replay import replay_command
from clearline.cli.store import agreements, ledger, node, planning, tak, tokens, users
from clearline.cli.store import zones as store_zones
from clearline.cli.verifying import verify

STORE = "On the node's database: run beside the node (--db)"
LINE = "Calling a running line (--url, --token)"
CHECKS = "Checks on files, or on what a line answers"
"""The panels of ``clearline --help``, one a kind of command."""
ON_STORE = "Works on the node's database: run it beside the node."
ON_LINE = "Calls a running line with your token."


class _OneLineErrors(TyperGroup):
    """Usage errors as one line on stderr, like every other refusal of the CLI.

    Click prints a usage block, a hint and a framed message; a script calling ``clearline``
    wants one line it can log. Help asked for (or no arguments) still prints in full.
    """

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        run = partial(
            super().main, args, prog_name, complete_var, False, windows_expand_args, **extra
        )
        if not standalone_mode:
            return run()
        try:
            code = run()
        except NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except ClickException as exc:
            typer.echo(f"error: {' '.join(exc.format_message().split())}", err=True)
            sys.exit(exc.exit_code)
        except Abort:
            typer.echo("error: aborted", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=_OneLineErrors,
    help="Clearline: a deconfliction line between forces that share a theatre.\n\n"
    "Example: clearline init --demo && clearline serve",
    no_args_is_help=True,
)


def _version(asked: bool) -> None:
    if asked:
        typer.echo(f"clearline {version('clearline')}")
        raise typer.Exit()


@app.callback()
def _options(
    _version_asked: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """The options of ``clearline`` itself, before any command."""


def _commands(group: typer.Typer, panel: str, commands: dict[str, Callable[..., None]]) -> None:
    for name, command in commands.items():
        group.command(name, rich_help_panel=panel)(command)


def _group(
    name: str, about: str, panel: str, commands: dict[str, Callable[..., None]]
) -> typer.Typer:
    """A group in its panel, its commands in that panel too; ``about`` says which kind they are."""
    group = typer.Typer(help=about, no_args_is_help=True)
    app.add_typer(group, name=name, rich_help_panel=panel)
    _commands(group, panel, commands)
    return group


_commands(app, STORE, {"init": node.init, "serve": node.serve, "demo": demo_command})
_commands(
    app,
    LINE,
    {"send": messages.send, "inbox": messages.inbox, "ack": messages.ack, "tail": messages.tail},
)
_commands(app, CHECKS, {"verify": verify, "replay": replay_command})

agreement = _group(
    "agreement",
    "Agreements: create one on the node's database (set-up); open one (operators) and list "
    "them over a running line.",
    STORE,
    {"create": agreements.agreement_create},
)
_commands(
    agreement,
    LINE,
    {"open": line_agreements.agreement_open, "list": line_agreements.agreement_list},
)
user = _group(
    "user",
    "Users: add one and set its password on the node's database (set-up); list, enrol, "
    "change and reset your party's over a running line (liaison officers).",
    STORE,
    {"add": users.user_add, "password": users.user_password},
)
_commands(
    user,
    LINE,
    {
        "list": line_users.user_list,
        "enrol": line_users.user_enrol,
        "change": line_users.user_change,
        "reset": line_users.user_reset,
    },
)
_group(
    "second-factor",
    f"A second factor (TOTP) for your console sign-in. {ON_LINE}",
    LINE,
    {
        "enrol": second_factor.second_factor_enrol,
        "confirm": second_factor.second_factor_confirm,
        "remove": second_factor.second_factor_remove,
    },
)
token = _group(
    "token",
    "API tokens: create one on the node's database (set-up); issue, list and revoke them "
    "over a running line.",
    STORE,
    {"create": tokens.token_create},
)
_commands(
    token,
    LINE,
    {
        "issue": line_tokens.token_issue,
        "list": line_tokens.token_list,
        "revoke": line_tokens.token_revoke,
    },
)
_group(
    "ledger",
    f"The line's signed, tamper-evident record: its key and a party's export. {ON_STORE}",
    STORE,
    {"key": ledger.ledger_key, "export": ledger.ledger_export},
)
_group(
    "line",
    f"See and change the state of your lines. {ON_LINE}",
    LINE,
    {"list": lines.line_list, "suspend": lines.line_suspend, "restore": lines.line_restore},
)
_group(
    "notice",
    f"File and change your party's notices. {ON_LINE}",
    LINE,
    {
        "file": notices.notice_file,
        "amend": notices.notice_amend,
        "cancel": notices.notice_cancel,
        "list": notices.notice_list,
        "notam": notices.notice_notam,
    },
)
_group(
    "protocol",
    f"The agreed rules of your line, version by version, and amending them. {ON_LINE} "
    "(keygen needs none: it makes your signing key on this machine.)",
    LINE,
    {
        "show": protocol.protocol_show,
        "diff": protocol.protocol_diff,
        "keygen": protocol.protocol_keygen,
        "register": protocol.protocol_register,
        "propose": protocol.protocol_propose,
        "proposals": protocol.protocol_proposals,
        "approve": protocol.protocol_approve,
        "reject": protocol.protocol_reject,
    },
)
_group(
    "round",
    f"Rounds of talks: the mediator opens and closes them, the parties write their agenda, "
    f"minutes and files and table proposals. {ON_LINE}",
    LINE,
    {
        "create": rounds.round_create,
        "list": rounds.round_list,
        "show": rounds.round_show,
        "agenda": rounds.round_agenda,
        "minutes": rounds.round_minutes,
        "attach": rounds.round_attach,
        "table": rounds.round_table,
        "close": rounds.round_close,
        "report": rounds.round_report,
    },
)
_group(
    "incident",
    f"Incidents the parties review together, built on what the line recorded: file, review, "
    f"refer to the mediator, and take away as a dossier to verify offline. {ON_LINE}",
    LINE,
    {
        "file": incidents.incident_file,
        "list": incidents.incident_list,
        "show": incidents.incident_show,
        "move": incidents.incident_move,
        "narrative": incidents.incident_narrative,
        "share": incidents.incident_share,
        "refer": incidents.incident_refer,
        "ask": incidents.incident_ask,
        "answer": incidents.incident_answer,
        "finding": incidents.incident_finding,
        "position": incidents.incident_position,
        "comment": incidents.incident_comment,
        "attach": incidents.incident_attach,
        "attachment": incidents.incident_attachment,
        "dossier": incidents.incident_dossier,
    },
)
_group(
    "position",
    f"Declared positions of your forces. {ON_LINE}",
    LINE,
    {"declare": positions.position_declare, "list": positions.position_list},
)
zone = _group(
    "zone",
    "Zones: agreed areas and red lines. import and export work on the node's database (run "
    "them beside the node); list calls a running line.",
    STORE,
    {"import": store_zones.zone_import, "export": store_zones.zone_export},
)
_commands(zone, LINE, {"list": line_zones.zone_list})
conflict = _group(
    "conflicts",
    "Conflicts the line found, and what-if checks of a plan. list, ack and accept call a "
    "running line; check needs none, and reads the node's database with --db.",
    LINE,
    {
        "list": conflicts.conflicts_list,
        "ack": conflicts.conflicts_ack,
        "accept": conflicts.conflicts_accept,
    },
)
_commands(conflict, STORE, {"check": planning.conflicts_check})
_group(
    "tak",
    f"The TAK gateway (clearline serve --tak-port): its users' client certificates. {ON_STORE}",
    STORE,
    {"certificate": tak.tak_certificate},
)
