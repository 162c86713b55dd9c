"""A notice as ICAO NOTAM text, for a party's aviation office to check and issue (ICAO Annex 15
and Doc 8126's format: the Q line and items A to G).

A draft: the NOTAM office gives it its series and number, so the first line is ``NOTAMN``
alone. No library writes NOTAMs (the Python ones parse them), so the format is here. The Q
code follows the activity: firing (``QWMLW``), unmanned aircraft (``QWULW``), exercises
(``QWELW``), mass movement of aircraft (``QWTLW``), and a temporary restricted or danger area
for strikes, air defence and emitters. A ground movement is no airman's business: refused.
"""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.ops import unary_union

from clearline.geo.projection import projection
from clearline.model.errors import invalid
from clearline.model.notice import ActivityKind, Notice, Volume

NM_M = 1_852.0
FT_PER_FL = 100
TRANSITION_FT = 10_000
"""Below it, heights in feet above mean sea level; at and above, flight levels (Syria's
transition altitude is lower in places; the office adjusts where it must)."""
Q_CODE = {
    ActivityKind.AIR_STRIKE: "QRTCA",
    ActivityKind.AIR_PATROL: "QWTLW",
    ActivityKind.UAV_FLIGHT: "QWULW",
    ActivityKind.ARTILLERY_FIRE: "QWMLW",
    ActivityKind.AIR_DEFENCE_DEPLOYMENT: "QRDCA",
    ActivityKind.RADAR_EW_EMISSION: "QRDCA",
    ActivityKind.JOINT_PATROL: "QWTLW",
    ActivityKind.EXERCISE: "QWELW",
}
DEFAULT_FIR = "OSTT"
"""Damascus FIR, where the reference line's notices lie."""


def render(notice: Notice, fir: str = DEFAULT_FIR) -> str:
    """The current version of ``notice`` (as its reader may see it) as a NOTAM draft."""
    code = Q_CODE.get(notice.kind)
    if code is None:
        raise invalid("kind", f"a {notice.kind} is not an aviation hazard: no NOTAM")
    if not (len(fir) == 4 and fir.isalpha() and fir.isupper()):
        raise invalid("fir", f"{fir!r} is not an ICAO location indicator (four capitals)")
    volumes = notice.current.volumes
    lower = min(v.alt_lower_ft for v in volumes)
    upper = max(v.alt_upper_ft for v in volumes)
    centre, radius_nm = _circle(volumes)
    q_line = (
        f"Q) {fir}/{code}/IV/BO/W/{math.floor(lower / FT_PER_FL):03d}/"
        f"{min(999, math.ceil(upper / FT_PER_FL)):03d}/{_position(*centre, seconds=False)}"
        f"{radius_nm:03d}"
    )
    lines = [
        "NOTAMN",
        q_line,
        f"A) {fir} B) {_dtg(notice.start)} C) {_dtg(notice.end)}",
        *_schedule(volumes),
        f"E) {_text(notice)}",
        f"F) {_height(lower, floor=True)} G) {_height(upper, floor=False)}",
    ]
    return "(" + "\n".join(lines) + ")"


def _circle(volumes: tuple[Volume, ...]) -> tuple[tuple[float, float], int]:
    """The Q line's circle: the footprints' centre and, in whole nautical miles rounded up,
    the radius that takes them all in (999 at most)."""
    union = unary_union([shape(v.footprint) for v in volumes])
    centre = union.centroid
    plane = projection(centre.y, centre.x)
    corners = shapely.get_coordinates(plane.to_metres(union))
    middle = shapely.get_coordinates(plane.to_metres(centre))
    reach = float(np.hypot(*(corners - middle).T).max())
    return (centre.y, centre.x), min(999, max(1, math.ceil(reach / NM_M)))


def _schedule(volumes: tuple[Volume, ...]) -> list[str]:
    """Item D where the volumes' windows leave gaps: each window, as ``DDHHMM-DDHHMM``."""
    windows = sorted({(v.start, v.end) for v in volumes})
    if len(windows) < 2:
        return []
    return ["D) " + " ".join(f"{s:%d%H%M}-{e:%d%H%M}" for s, e in windows)]


def _text(notice: Notice) -> str:
    """Item E: what, whose, where; the party's own words only where they are ICAO's alphabet."""
    volume_text = " ".join(_where(v) for v in notice.current.volumes)
    what = notice.kind.value.replace("_", " ").upper()
    which = f"NOTICE {notice.id} VERSION {notice.current.version}"
    words = f"{what} BY {notice.party} ({which}). {volume_text}"
    free = notice.current.free_text
    if free and free.isascii() and free.isprintable():
        words += f" {free.upper()}"
    return words


def _where(volume: Volume) -> str:
    circle = volume.circle
    if circle is None and volume.input.get("radius_m"):  # a point or a grid square, and a radius
        centre = shape(volume.footprint).centroid
        circle = (centre.x, centre.y, volume.input["radius_m"])
    if circle is not None:
        lon, lat, radius = circle
        return f"WI {radius / NM_M:.1f}NM RADIUS OF {_position(lat, lon)}."
    ring = shapely.get_exterior_ring(shapely.get_parts(shape(volume.footprint))[0])
    corners = [_position(lat, lon) for lon, lat in list(ring.coords)[:-1]]
    return f"WI AREA {' '.join(corners)}."


def _position(lat: float, lon: float, seconds: bool = True) -> str:
    """``343300N0381600E`` (degrees, minutes, seconds), or ``3433N03816E`` on the Q line."""
    return _angle(lat, "NS", 2, seconds) + _angle(lon, "EW", 3, seconds)


def _angle(value: float, hemispheres: str, width: int, seconds: bool) -> str:
    hemisphere = hemispheres[0] if value >= 0 else hemispheres[1]
    total = round(abs(value) * (3_600 if seconds else 60))
    if seconds:
        degrees, rest = divmod(total, 3_600)
        return f"{degrees:0{width}d}{rest // 60:02d}{rest % 60:02d}{hemisphere}"
    degrees, minutes = divmod(total, 60)
    return f"{degrees:0{width}d}{minutes:02d}{hemisphere}"


def _height(feet: float, floor: bool) -> str:
    if feet <= 0:
        return "SFC"
    if feet >= TRANSITION_FT:
        level = math.floor(feet / FT_PER_FL) if floor else math.ceil(feet / FT_PER_FL)
        return f"FL{level:03d}"
    return f"{feet:.0f}FT AMSL"


def _dtg(moment: datetime) -> str:
    """Items B and C: ``YYMMDDHHMM``, UTC."""
    return f"{moment:%y%m%d%H%M}"
