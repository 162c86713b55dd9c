"""``clearline zone list``: the zones of your agreements, as a running line shows them to your
party (``zone import`` and ``zone export`` work on the node's database)."""

from __future__ import annotations

from rich.table import Table

from clearline.cli.client import DEFAULT_URL, request
from clearline.cli.options import Token, Url
from clearline.cli.printable import row, show
from clearline.model.notice import ActivityKind


def zone_list(token: Token, url: Url = DEFAULT_URL) -> None:
    """List the zones of your agreements and whose activities they alert on.

    Example: clearline zone list
    """
    found = request("GET", url, token, "/v1/zones")["features"]
    table = Table("id", "name", "kind", "owner", "band (ft)", "rule kinds", "severity")
    for feature in found:
        zone = feature["properties"]
        kinds = zone["rule"]["kinds"]
        table.add_row(
            *row(
                str(feature["id"]),
                zone["name"],
                zone["kind"],
                zone["owner"] or "agreed",
                f"{zone['alt_lower_ft']:,.0f} to {zone['alt_upper_ft']:,.0f}",
                "all" if not kinds or set(kinds) == set(ActivityKind) else ", ".join(kinds),
                zone["rule"]["severity"],
            )
        )
    show(table)
