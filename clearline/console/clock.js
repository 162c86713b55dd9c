// The line's time. A demo line runs on an accelerated clock, so deadlines and countdowns are
// counted on the server's clock (`GET /v1/clock`: its time and speed), never the browser's.

const RESYNC_MS = 60_000;

let base = Date.now();
let baseAt = performance.now();
let speed = 1;

/** Milliseconds since the epoch on the line's clock. */
export function now() {
  return base + (performance.now() - baseAt) * speed;
}

async function sync() {
  const response = await fetch("/v1/clock", { credentials: "same-origin" });
  if (!response.ok) return; // a line without the clock endpoint runs on real time
  const answer = await response.json();
  base = Date.parse(answer.now);
  baseAt = performance.now();
  speed = answer.speed;
}

/** Follow the line's clock from now on. */
export async function followLineClock() {
  await sync().catch(() => {});
  setInterval(() => sync().catch(() => {}), RESYNC_MS);
}
