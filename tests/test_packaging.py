"""The wheel carries the console's map libraries: built from the checkout as ``pip wheel``
builds it, it holds every file the console's pages load from ``/vendor/``, and installed
(unpacked on a path of its own, far from the checkout) it serves them, with no npm."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONSOLE = ROOT / "clearline" / "console"

pytestmark = pytest.mark.slow


def loaded_from_vendor() -> set[str]:
    """Every ``/vendor/...`` path the console's pages and modules name."""
    found: set[str] = set()
    for page in [*CONSOLE.glob("*.html"), *CONSOLE.glob("*.js")]:
        found |= set(re.findall(r"/vendor/[\w./-]+\.\w+", page.read_text()))
    return found


def test_the_wheel_serves_the_map_libraries_with_no_npm(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("clearline-*.whl")
    wanted = loaded_from_vendor()
    assert {"/vendor/leaflet/dist/leaflet.js", "/vendor/world-atlas/countries-50m.json"} <= wanted
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        missing = {p for p in wanted if f"clearline/console{p}" not in names}
        assert missing == set()
        archive.extractall(tmp_path / "site")
    check = textwrap.dedent(
        f"""
        import clearline
        from fastapi.testclient import TestClient
        from clearline.api.app import create_app
        assert clearline.__file__.startswith({str(tmp_path / "site")!r}), clearline.__file__
        client = TestClient(create_app("sqlite:///{tmp_path / "line.db"}"))
        for path in {sorted(wanted)!r}:
            assert client.get(path).status_code == 200, path
        """
    )
    served = subprocess.run(
        [sys.executable, "-c", check],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert served.returncode == 0, served.stderr
