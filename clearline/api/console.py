"""The duty officer's console: static pages at `/`, and the map's libraries from npm.

Leaflet, world-atlas (Natural Earth borders), topojson-client and mgrs are installed by the
Makefile into `node_modules/` beside the package (or where `CLEARLINE_VENDOR` says), never
committed; a wheel carries them in `console/vendor/` (`setup.py`). The console works offline
from them.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

PAGES = Path(__file__).resolve().parents[1] / "console"
VENDOR_PACKAGES = ("leaflet", "world-atlas", "topojson-client", "mgrs")


def vendor_root() -> Path:
    """Where the npm packages are: ``CLEARLINE_VENDOR``, else the checkout's node_modules,
    else the copy an installed wheel carries."""
    configured = os.environ.get("CLEARLINE_VENDOR")
    if configured:
        return Path(configured)
    checkout = PAGES.parents[1] / "node_modules"
    return checkout if checkout.is_dir() else PAGES / "vendor"


def install(app: FastAPI) -> None:
    """Serve the console's pages and, for each npm package present, its files."""

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(PAGES / "index.html")

    app.mount("/console", StaticFiles(directory=PAGES, check_dir=False), name="console")
    for package in VENDOR_PACKAGES:
        folder = vendor_root() / package
        app.mount(f"/vendor/{package}", StaticFiles(directory=folder, check_dir=False))
