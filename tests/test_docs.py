"""The docs a newcomer reads: the API table names exactly the app's routes, and every relative
link in the README and ``docs/`` leads somewhere. Docs that drift from the code mislead more
than no docs, and nobody notices until a newcomer does."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

from fastapi.routing import APIRoute, APIWebSocketRoute
from starlette.routing import BaseRoute

from clearline.api.app import create_app

ROOT = Path(__file__).resolve().parents[1]
API_DOC = ROOT / "docs" / "api.md"
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
ROW = re.compile(r"^\|\s*`([A-Z]+) (/\S*)`\s*\|")
"""A table row naming one route: "| `METHOD /path` | ..."; query strings stay out of it."""
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^(```|~~~)")


def _flat(routes: list[BaseRoute]) -> Iterator[tuple[BaseRoute, str]]:
    """Every route with the path the app serves it at. FastAPI 0.165 keeps an included router
    as one entry of ``app.routes`` and gives its routes, prefixed, by ``iter_route_contexts``."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # an older FastAPI: app.routes is flat already
        yield from ((route, getattr(route, "path", "")) for route in routes)
        return
    for context in iter_route_contexts(routes):
        yield context.original_route, context.path or ""


def app_routes() -> set[str]:
    """ "METHOD /path" for every route of the API: HTTP routes in the schema, and WebSockets as
    "WS /path"; not the console's pages and static mounts, nor FastAPI's own documentation."""
    app = create_app("sqlite://")  # opens no database until it starts
    found = set()
    for route, path in _flat(app.routes):
        if isinstance(route, APIWebSocketRoute):
            found.add(f"WS {path}")
        elif isinstance(route, APIRoute) and route.include_in_schema:
            found.update(f"{method} {path}" for method in route.methods)
    return found


def documented_routes() -> list[str]:
    """The routes docs/api.md's table names, in order, one a row."""
    named = []
    for number, line in enumerate(API_DOC.read_text().splitlines(), start=1):
        if not line.startswith("| `"):
            continue
        match = ROW.match(line)
        assert match is not None, (
            f"docs/api.md:{number} should start with one route in backticks, "
            f'as "| `GET /v1/lines` |": {line[:80]}'
        )
        named.append(f"{match[1]} {match[2]}")
    return named


def test_the_api_table_names_every_route_of_the_app() -> None:
    missing = app_routes() - set(documented_routes())
    assert not missing, "routes of the app with no row in docs/api.md (add one each): " + ", ".join(
        sorted(missing)
    )


def test_the_api_table_names_no_route_the_app_lacks() -> None:
    unknown = set(documented_routes()) - app_routes()
    assert not unknown, (
        "rows of docs/api.md naming no route of the app (renamed or removed?): "
        + ", ".join(sorted(unknown))
    )


def test_the_api_table_names_each_route_once() -> None:
    named = documented_routes()
    twice = sorted({route for route in named if named.count(route) > 1})
    assert not twice, "routes with more than one row in docs/api.md: " + ", ".join(twice)


def _outside_code(page: Path) -> Iterator[tuple[int, str]]:
    """The page's lines outside fenced code blocks, numbered, with inline code blanked out."""
    fenced = False
    for number, line in enumerate(page.read_text().splitlines(), start=1):
        if FENCE.match(line.lstrip()):
            fenced = not fenced
        elif not fenced:
            yield number, re.sub(r"`[^`]*`", "``", line)


def _anchors(page: Path) -> set[str]:
    """The anchors GitHub gives the page's headings: lower case, punctuation dropped, spaces
    to hyphens."""
    found = set()
    for _number, line in _outside_code(page):
        if heading := re.match(r"^#{1,6}\s+(.*?)\s*#*$", line):
            text = heading[1].lower().replace("``", "")
            found.add(re.sub(r"[^\w\- ]", "", text).replace(" ", "-"))
    return found


def _relative_links(page: Path) -> Iterator[tuple[int, str]]:
    for number, line in _outside_code(page):
        for target in LINK.findall(line):
            if not re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, mailto: and the like
                yield number, target


def test_every_relative_link_leads_to_a_file() -> None:
    broken = []
    for page in PAGES:
        for number, target in _relative_links(page):
            path, _, anchor = target.partition("#")
            where = (page.parent / unquote(path)).resolve() if path else page
            name = f"{page.relative_to(ROOT)}:{number}: {target}"
            if not where.exists():
                broken.append(f"{name} (no such file)")
            elif anchor and where.suffix == ".md" and anchor not in _anchors(where):
                broken.append(f"{name} (no such heading)")
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_the_links_are_found() -> None:
    """The link check above checks something: the README links into docs/."""
    targets = {target for _number, target in _relative_links(ROOT / "README.md")}
    assert "docs/api.md" in targets and "docs/architecture.md" in targets
