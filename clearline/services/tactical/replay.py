"""Replaying an encounter through the line's well-clear alerting, the way NASA's DAIDALUS
``DaidalusAlerting`` replays it, so that the two can be compared line by line.

Reads DAIDALUS's own files: a ``.daa`` encounter (one aircraft state per line, the ownship first
at each time, any number of intruders) and a ``.conf`` configuration (its ``DWC_Phase_I``
alerter becomes a ``WellClear``). Writes DAIDALUS's alerting report (same columns, units and
number format) and ``.daa`` files of the line's own tracks, so that a recorded encounter can be
replayed here and in DAIDALUS alike.

Every refusal is a ``ValueError`` naming the file, line or key at fault.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np
from pydantic import ValidationError

from clearline.geo import tangent, wellclear
from clearline.model.errors import from_validation
from clearline.model.wellclear import FT_M, KNOT_MS, NMI_M, AlertLevel, AlertVolume, WellClear
from clearline.services.tactical.alerting import AlertFilter

ALERTER = "DWC_Phase_I"
"""The alerter a ``.conf`` is read for: DO-365 Phase I, alerter 1 of DAIDALUS's DO-365 files."""
DETECTOR = "gov.nasa.larcfm.ACCoRD.WCV_TAUMOD"
FPM_MS = FT_M / 60

_UNITS: dict[str, tuple[str, float]] = {
    "none": ("none", 1.0),
    "unitless": ("none", 1.0),
    "s": ("time", 1.0),
    "min": ("time", 60.0),
    "m": ("length", 1.0),
    "km": ("length", 1_000.0),
    "ft": ("length", FT_M),
    "nmi": ("length", NMI_M),
    "NM": ("length", NMI_M),
    "deg": ("angle", 1.0),
    "rad": ("angle", 180 / math.pi),
    "m/s": ("speed", 1.0),
    "knot": ("speed", KNOT_MS),
    "kn": ("speed", KNOT_MS),
    "kts": ("speed", KNOT_MS),
    "fpm": ("speed", FPM_MS),
}
"""Units DAIDALUS files use, as (dimension, factor to metres, seconds, m/s or degrees)."""

_COLUMNS = {
    "name": "none",
    "lat": "angle",
    "lon": "angle",
    "alt": "length",
    "time": "time",
    "trk": "angle",
    "gs": "speed",
    "vs": "speed",
    "vx": "speed",
    "vy": "speed",
    "vz": "speed",
}
_DEFAULT_UNITS = {
    "name": "none",
    "lat": "deg",
    "lon": "deg",
    "alt": "ft",
    "time": "s",
    "trk": "deg",
    "gs": "knot",
    "vs": "fpm",
    "vx": "knot",
    "vy": "knot",
    "vz": "fpm",
}
_SEPARATOR = re.compile(r"[,\s]+")
_CONF_LINE = re.compile(r"^\s*([\w.]+)\s*=\s*([^\[]*?)\s*(?:\[\s*([^\]]*?)\s*\])?\s*$")

HEADER = (
    "Time",
    "Ownship",
    "Traffic",
    "Alerter",
    "Alert Level",
    "Horizontal Separation",
    "Vertical Separation",
    "Horizontal Closure Rate",
    "Vertical Closure Rate",
    "Projected HMD",
    "Projected VMD",
    "Projected TCPA",
    "Projected DCPA",
    "Projected TCOA",
    "Projected TAUMOD (WCV*)",
)
"""DaidalusAlerting's columns; one "Time to Volume of Alert(k)" per level follows Alert Level."""


@dataclass(frozen=True)
class AircraftState:
    """One aircraft at one time, as a ``.daa`` line gives it, in degrees, metres and m/s."""

    name: str
    lat_deg: float
    lon_deg: float
    alt_m: float
    track_deg: float
    ground_speed_ms: float
    vertical_speed_ms: float


@dataclass(frozen=True)
class Step:
    """The aircraft of one time of an encounter: the ownship and its intruders."""

    time_s: float
    ownship: AircraftState
    traffic: tuple[AircraftState, ...]


@dataclass(frozen=True)
class AlertingRow:
    """One line of DaidalusAlerting's report: one intruder at one time, in SI units.

    Times to volume are inf when not entered within the lookahead time; ``tcoa_s`` and
    ``tau_mod_s`` are NaN when there is none (see ``geo.wellclear.ClosestApproach``).
    """

    time_s: float
    ownship: str
    traffic: str
    alerter: int
    alert_level: int
    time_to_volume_s: tuple[float, ...]
    horizontal_separation_m: float
    vertical_separation_m: float
    horizontal_closure_ms: float
    vertical_closure_ms: float
    hmd_m: float
    vmd_m: float
    tcpa_s: float
    dcpa_m: float
    tcoa_s: float
    tau_mod_s: float


def read_daa(path: Path) -> list[Step]:
    """The steps of a ``.daa`` encounter, in file order (consecutive lines of one time)."""
    lines = [
        (number, line.strip())
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not lines:
        raise ValueError(f"{path.name}: no header line")
    (header_at, header), *rest = lines
    columns = [name.lower() for name in _split(header)]
    units = _daa_units(path.name, header_at, columns, rest[0] if rest else None)
    if rest and _is_units_line(rest[0][1]):
        rest = rest[1:]
    return _steps(path.name, columns, units, rest)


def read_conf(path: Path) -> WellClear:
    """The ``DWC_Phase_I`` alerter of a DAIDALUS ``.conf`` file as a ``WellClear``.

    Refused (naming the key) when a level, its detector, the lookahead time or a filter
    parameter is missing, or the detector is not WCV_TAUMOD with a TCOA of 0.
    """
    values = _conf_values(path)
    try:
        return _well_clear(values, path.name)
    except ValidationError as exc:
        raise ValueError(str(from_validation(exc, path.name))) from None


def replay(steps: Iterable[Step], well_clear: WellClear) -> list[AlertingRow]:
    """Alert each intruder of each step, filtered as ``well_clear`` says (``.raw()`` for the
    raw levels); one filter per intruder name, kept across steps."""
    filters: dict[str, AlertFilter] = {}
    rows: list[AlertingRow] = []
    for step in steps:
        if step.traffic:
            rows.extend(_alert(step, well_clear, filters))
    return rows


def write_alerting(rows: Iterable[AlertingRow], levels: int, out: TextIO) -> None:
    """DaidalusAlerting's CSV: header, unit line, one line per row (``infty`` for a volume not
    entered, blank TCOA and tau-mod when there is none)."""
    names = [*HEADER[:5], *(f"Time to Volume of Alert({k})" for k in range(1, levels + 1))]
    out.write(" " + ", ".join([*names, *HEADER[5:]]) + "\n")
    units = ["[s],,,,", *["[s]"] * levels, "[nmi]", "[ft]", "[knot]", "[fpm]"]
    out.write(", ".join([*units, "[nmi]", "[ft]", "[s]", "[nmi]", "[s]", "[s]"]) + "\n")
    for row in rows:
        out.write(", ".join(_cells(row)) + "\n")


def write_daa(
    states: Iterable[tuple[float, str, float, float, float, float, float, float]], out: TextIO
) -> None:
    """A ``.daa`` file of (time s, name, lat, lon, alt ft, track deg, ground speed kt, vertical
    speed fpm) states; at each time the first state written is the ownship's."""
    out.write("NAME, lat, lon, alt, trk, gs, vs, time\n")
    out.write("[none], [deg], [deg], [ft], [deg], [knot], [fpm], [s]\n")
    for time_s, name, *numbers in states:
        if not name or _SEPARATOR.search(name):
            raise ValueError(f"name: {name!r} is empty or has a space or comma")
        out.write(", ".join([name, *(repr(float(x)) for x in numbers), repr(float(time_s))]))
        out.write("\n")


def _alert(
    step: Step, well_clear: WellClear, filters: dict[str, AlertFilter]
) -> Iterator[AlertingRow]:
    s, v = _relative(step)
    for intruder in step.traffic:
        filters.setdefault(intruder.name, AlertFilter(well_clear))
    shown = [filters[i.name].shown_before(step.time_s) for i in step.traffic]
    raw = wellclear.raw_levels(s, v, well_clear, shown)
    times = wellclear.times_to_volume(s, v, well_clear)
    cpa = wellclear.closest_approach(s, v, well_clear)
    for i, intruder in enumerate(step.traffic):
        yield AlertingRow(
            time_s=step.time_s,
            ownship=step.ownship.name,
            traffic=intruder.name,
            alerter=1,
            alert_level=filters[intruder.name].step(int(raw[i]), step.time_s),
            time_to_volume_s=tuple(float(t) for t in times[i]),
            horizontal_separation_m=float(cpa.horizontal_separation_m[i]),
            vertical_separation_m=float(cpa.vertical_separation_m[i]),
            horizontal_closure_ms=float(cpa.horizontal_closure_ms[i]),
            vertical_closure_ms=float(cpa.vertical_closure_ms[i]),
            hmd_m=float(cpa.hmd_m[i]),
            vmd_m=float(cpa.vmd_m[i]),
            tcpa_s=float(cpa.tcpa_s[i]),
            dcpa_m=float(cpa.dcpa_m[i]),
            tcoa_s=float(cpa.tcoa_s[i]),
            tau_mod_s=float(cpa.tau_mod_s[i]),
        )


def _relative(step: Step) -> tuple[np.ndarray, np.ndarray]:
    """Ownship minus each intruder, position and velocity, tangent at the ownship."""
    own = step.ownship
    reference = (own.lat_deg, own.lon_deg, own.alt_m)
    lat, lon, alt, track, speed, climb = np.array(
        [
            (a.lat_deg, a.lon_deg, a.alt_m, a.track_deg, a.ground_speed_ms, a.vertical_speed_ms)
            for a in (own, *step.traffic)
        ]
    ).T
    position = tangent.project(lat, lon, alt, *reference)
    velocity = tangent.project_velocity(lat, lon, alt, track, speed, climb, *reference)
    return position[0] - position[1:], velocity[0] - velocity[1:]


def _cells(row: AlertingRow) -> list[str]:
    return [
        _number(row.time_s),
        row.ownship,
        row.traffic,
        str(row.alerter),
        str(row.alert_level),
        *(_number(t) for t in row.time_to_volume_s),
        _number(row.horizontal_separation_m / NMI_M),
        _number(row.vertical_separation_m / FT_M),
        _number(row.horizontal_closure_ms / KNOT_MS),
        _number(row.vertical_closure_ms / FPM_MS),
        _number(row.hmd_m / NMI_M),
        _number(row.vmd_m / FT_M),
        _number(row.tcpa_s),
        _number(row.dcpa_m / NMI_M),
        "" if math.isnan(row.tcoa_s) else _number(row.tcoa_s),
        _number(row.tau_mod_s) if row.tau_mod_s > 0 else "",
    ]


def _number(value: float) -> str:
    """DAIDALUS's ``f.FmPrecision`` at 6 digits: no trailing zeros but one, no negative zero,
    ``infty`` for infinity."""
    if value == math.inf:
        return "infty"
    text = f"{value:.6f}".rstrip("0")
    text = text + "0" if text.endswith(".") else text
    return "0.0" if float(text) == 0 else text


def _split(line: str) -> list[str]:
    return [token for token in _SEPARATOR.split(line.strip()) if token]


def _is_units_line(line: str) -> bool:
    return all(t.startswith("[") or t.lower() in ("unitless", "none") for t in _split(line))


def _daa_units(
    source: str, header_at: int, columns: list[str], first: tuple[int, str] | None
) -> dict[str, float]:
    """Factor to SI (degrees for angles) of each known column, from the unit line if any."""
    missing = [c for c in ("name", "lat", "lon", "alt", "time") if c not in columns]
    has_track = all(c in columns for c in ("trk", "gs", "vs"))
    if missing or not (has_track or all(c in columns for c in ("vx", "vy", "vz"))):
        wanted = ", ".join(missing) or "trk, gs, vs or vx, vy, vz"
        raise ValueError(f"{source} line {header_at}: header lacks {wanted}")
    given = [_DEFAULT_UNITS.get(c, "none") for c in columns]
    if first is not None and _is_units_line(first[1]):
        given = [t.strip("[]") for t in _split(first[1])]
        if len(given) != len(columns):
            raise ValueError(
                f"{source} line {first[0]}: {len(given)} units for {len(columns)} columns"
            )
    factors = {}
    for column, unit in zip(columns, given, strict=True):
        if column in _COLUMNS:
            dimension, factor = _UNITS.get(unit, ("unknown", math.nan))
            if dimension != _COLUMNS[column]:
                at = first[0] if first is not None else header_at
                raise ValueError(f"{source} line {at}: unit [{unit}] does not fit column {column}")
            factors[column] = factor
    return factors


def _steps(
    source: str, columns: list[str], units: dict[str, float], lines: list[tuple[int, str]]
) -> list[Step]:
    steps: list[Step] = []
    aircraft: list[AircraftState] = []
    time_s = math.nan
    for number, line in lines:
        row = _row(source, number, columns, units, line)
        if aircraft and row["time"] != time_s:
            steps.append(Step(time_s, aircraft[0], tuple(aircraft[1:])))
            aircraft = []
        time_s = float(row["time"])
        aircraft.append(_state(row))
    if aircraft:
        steps.append(Step(time_s, aircraft[0], tuple(aircraft[1:])))
    return steps


def _row(
    source: str, number: int, columns: list[str], units: dict[str, float], line: str
) -> dict[str, float | str]:
    tokens = _split(line)
    if len(tokens) != len(columns):
        raise ValueError(f"{source} line {number}: {len(tokens)} fields for {len(columns)} columns")
    row: dict[str, float | str] = {}
    for column, token in zip(columns, tokens, strict=True):
        if column == "name":
            row[column] = token
        elif column in units:
            try:
                row[column] = float(token) * units[column]
            except ValueError:
                raise ValueError(
                    f"{source} line {number}: {column} {token!r} is not a number"
                ) from None
            if not math.isfinite(float(row[column])):
                raise ValueError(f"{source} line {number}: {column} {token!r} is not finite")
    return row


def _state(row: dict[str, float | str]) -> AircraftState:
    number = {k: float(v) for k, v in row.items() if k != "name"}
    if "trk" in number:
        track, speed, climb = number["trk"], number["gs"], number["vs"]
    else:
        track = math.degrees(math.atan2(number["vx"], number["vy"]))
        speed, climb = math.hypot(number["vx"], number["vy"]), number["vz"]
    return AircraftState(
        str(row["name"]), number["lat"], number["lon"], number["alt"], track, speed, climb
    )


def _conf_values(path: Path) -> dict[str, tuple[str, str]]:
    """``key = value [unit]`` lines as key -> (value, unit); ``#`` lines are comments."""
    values = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _CONF_LINE.match(line)
        if match is None:
            raise ValueError(f"{path.name} line {number}: not 'key = value [unit]'")
        key, value, unit = match.groups()
        values[key] = (value, unit or "none")
    return values


def _well_clear(values: dict[str, tuple[str, str]], source: str) -> WellClear:
    levels: list[AlertLevel] = []
    while f"{ALERTER}_alert_{len(levels) + 1}_alerting_time" in values:
        levels.append(_alert_level(values, len(levels) + 1))
    if not levels:
        raise ValueError(f"{ALERTER}_alert_1_alerting_time: missing from {source}")
    return WellClear(
        levels=tuple(levels),
        lookahead_s=_quantity(values, "lookahead_time", "time"),
        m=int(_quantity(values, "alerting_m", "none")),
        n=int(_quantity(values, "alerting_n", "none")),
        hysteresis_s=_quantity(values, "hysteresis_time", "time"),
        persistence_s=_quantity(values, "persistence_time", "time"),
    )


def _alert_level(values: dict[str, tuple[str, str]], k: int) -> AlertLevel:
    prefix = f"{ALERTER}_alert_{k}_"
    detector = _text(values, prefix + "detector")
    det = f"{ALERTER}_{detector}_WCV_"
    core = f"{ALERTER}_load_core_detection_{detector}"
    if _text(values, core) != DETECTOR:
        raise ValueError(f"{core}: only {DETECTOR} is supported")
    if _quantity(values, det + "TCOA", "time") != 0:
        raise ValueError(f"{det}TCOA: only a TCOA of 0 is supported (DO-365)")
    return AlertLevel(
        volume=AlertVolume(
            horizontal_m=_quantity(values, det + "DTHR", "length"),
            vertical_ft=_quantity(values, det + "ZTHR", "length", per=FT_M),
            tau_s=_quantity(values, det + "TTHR", "time"),
        ),
        alerting_time_s=_quantity(values, prefix + "alerting_time", "time"),
        early_alerting_time_s=_quantity(values, prefix + "early_alerting_time", "time"),
    )


def _text(values: dict[str, tuple[str, str]], key: str) -> str:
    if key not in values:
        raise ValueError(f"{key}: missing")
    return values[key][0]


def _quantity(
    values: dict[str, tuple[str, str]], key: str, dimension: str, per: float = 1.0
) -> float:
    """A number in SI units (or in units of ``per`` of them); a unit of another dimension is
    refused, naming the key."""
    text, unit = _text(values, key), values[key][1]
    unit_dimension, factor = _UNITS.get(unit, ("unknown", math.nan))
    if unit_dimension != dimension:
        raise ValueError(f"{key}: unit [{unit}] is not a {dimension}")
    try:
        return float(text) * (factor / per)
    except ValueError:
        raise ValueError(f"{key}: {text!r} is not a number") from None
