// Times as UTC and military date-time groups, positions as latitude/longitude and MGRS.

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

const pad = (number, width = 2) => String(number).padStart(width, "0");

function asDate(time) {
  return time instanceof Date ? time : new Date(time);
}

/** 2026-11-22 15:30:00Z */
export function utc(time) {
  const d = asDate(time);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`
  );
}

/** The date-time group: 221530ZNOV26. */
export function dtg(time) {
  const d = asDate(time);
  return (
    `${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}Z` +
    `${MONTHS[d.getUTCMonth()]}${pad(d.getUTCFullYear() % 100)}`
  );
}

/** The hour and minute alone, as a fold names its last alert: 14:02Z. */
export function hm(time) {
  const d = asDate(time);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}Z`;
}

/** Left-to-right text kept whole inside right-to-left text (Unicode isolates). */
export const ltr = (text) => `\u2066${text}\u2069`;

/** Both, as the console shows every time: "2026-11-22 15:30:00Z (221530ZNOV26)". */
export function when(time) {
  return ltr(`${utc(time)} (${dtg(time)})`);
}

/** 34.5500°N 38.2800°E */
export function latLon(lat, lon) {
  const ns = lat >= 0 ? "N" : "S";
  const ew = lon >= 0 ? "E" : "W";
  return `${Math.abs(lat).toFixed(4)}°${ns} ${Math.abs(lon).toFixed(4)}°${ew}`;
}

/** MGRS to 10 m ("37S DU 3300 2300"), from the vendored `mgrs` package when it is there. */
export function mgrsOf(lat, lon) {
  if (!globalThis.mgrs) return null;
  const reference = globalThis.mgrs.forward([lon, lat], 4);
  const match = reference.match(/^(\d+[A-Z])([A-Z]{2})(\d{4})(\d{4})$/);
  return match ? match.slice(1).join(" ") : reference;
}

/** Latitude/longitude and, where known, MGRS: the way the console names a place. */
export function place(lat, lon, knownMgrs = null) {
  const grid = knownMgrs ?? mgrsOf(lat, lon);
  return ltr(grid ? `${latLon(lat, lon)} · MGRS ${grid}` : latLon(lat, lon));
}

/** A countdown: 1:45, 1:02:03. */
export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(s / 3600);
  const rest = `${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
  return hours ? `${hours}:${rest}` : rest.replace(/^0/, "");
}

export function secondsUntil(time, now) {
  return (asDate(time).getTime() - now) / 1000;
}

/** A file's size in the reader's language: 41 byte, 2.3 MB. */
export function size(bytes, lang) {
  const [value, unit] =
    bytes < 1024
      ? [bytes, "byte"]
      : bytes < 1024 * 1024
        ? [bytes / 1024, "kilobyte"]
        : [bytes / (1024 * 1024), "megabyte"];
  const format = { style: "unit", unit, unitDisplay: "short", maximumFractionDigits: 1 };
  return ltr(new Intl.NumberFormat(lang, format).format(value));
}
