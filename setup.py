"""The wheel carries the console's map libraries, so that an installed Clearline shows its map
with no npm: ``build_py`` copies what the console serves from ``node_modules/`` (which
``make`` installs) into ``clearline/console/vendor/``. Everything else is in pyproject.toml.

setuptools has no declarative way to take files from outside the package, hence this hook.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SERVED = {
    "leaflet": ["dist"],
    "topojson-client": ["dist"],
    "mgrs": ["dist"],
    "world-atlas": ["countries-50m.json", "LICENSE"],
}
"""What the console loads from each npm package (``clearline/api/console.py``)."""


class WithMapLibraries(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install serves them from node_modules itself
            return
        modules = Path(__file__).resolve().parent / "node_modules"
        if not modules.is_dir():
            raise SystemExit("node_modules/ is missing: run `make` (npm install) before building")
        vendor = Path(self.build_lib) / "clearline" / "console" / "vendor"
        for package, parts in SERVED.items():
            for part in parts:
                source, target = modules / package / part, vendor / package / part
                target.parent.mkdir(parents=True, exist_ok=True)
                if source.is_dir():
                    shutil.copytree(source, target, dirs_exist_ok=True)
                else:
                    shutil.copy2(source, target)


setup(cmdclass={"build_py": WithMapLibraries})
