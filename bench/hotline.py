"""Benchmark the hotline end to end, next to a bare WebSocket echo on the same machine.

What it measures, on loopback only, with a real ``clearline serve`` on a fresh SQLite store
(WAL, synchronous=FULL: every 201 means the message is on disk):

* fixed rate (open loop): TR sends ``--rate`` messages a second to IL for ``--duration``
  seconds at planned times, whatever the answers do. An IL client on ``/v1/stream`` notes when
  each message arrives (matched by a nonce in ``free_text``). Latency is delivery time minus
  the *planned* send time, so a server that falls behind is charged for the wait; "accept" is
  the POST round trip to its 201, from the same planned time.
* sustained throughput (closed loop): ``--concurrency`` TR senders each send the next message
  as soon as the previous one is answered. Throughput is 201s a second and messages a second
  received by the IL stream; latency as above, from the moment each request started.
* baseline: the same two phases against a bare ``websockets`` echo server (its own process),
  echoing a JSON frame as large as Clearline's ``message.sent`` frame. Its "latency" is the
  echo round trip; it is the floor this machine, Python and loopback give any such service.

How to read it: look at the medians (p50) and at the ratios Clearline / echo. A ratio of 3 on
latency means the line (HTTP + auth + durable commit + fan-out) costs three echo round trips; a
ratio of 0.2 on throughput means the line carries a fifth of what a bare socket echoes. p99 and
max move with whatever else the machine does, so compare them across runs with care. Client
and server share the machine's cores: the "cpu" rows (percent of one core) show which side ran
out first; the load average before the run says whether something else was using them.
"errors" counts answers other than 201, transport failures, and open-loop messages that could
not even start within 10 s of their planned time. The targets (p99 ≤ 25 ms at 200 msg/s with
nothing lost, sustained ≥ 1,000 msg/s) are marked met or not met; sustained counts the smaller
of the 201 rate and the delivery rate.

Run: ``.venv/bin/python bench/hotline.py [--rate 200] [--duration 10] [--concurrency 64]
[--json FILE]``. It starts and always stops its own servers, and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import httpx
from common import (
    Machine,
    Verdicts,
    add_common_options,
    console,
    parser_for,
    percentile,
    targets_table,
    verdict,
    write_figures,
)
from rich.table import Table
from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed, InvalidHandshake

T = TypeVar("T")
LOOPBACK = "127.0.0.1"
TARGET_P99_MS = 25.0
TARGET_RATE = 200.0
TARGET_SUSTAINED = 1_000.0
MAX_IN_FLIGHT = 128  # open loop: requests outstanding at once before sends queue up
LANES_PER_CLIENT = 8  # senders per httpx client: its pool slows down as it grows (O(n) scans)
MAX_SENDS = 1_000_000  # closed loop: a hard cap on requests, whatever the duration
REQUEST_TIMEOUT_S = 10.0
DRAIN_S = 10.0  # after the last send, how long to wait for deliveries still on the way
STARTUP_S = 30.0
MAX_RECONNECTS = 20
WARMUP_S = 1.0
WARMUP_CONCURRENCY = 8
RUN_ID = uuid.uuid4().hex[:8]


# -- what a phase records and reports -------------------------------------------------------


@dataclass
class Run:
    """Send and answer times of one phase, by nonce (``time.perf_counter`` seconds)."""

    started: float
    sent_at: dict[str, float] = field(default_factory=dict)
    acked_at: dict[str, float] = field(default_factory=dict)
    errors: int = 0
    ended: float = 0.0


@dataclass
class Summary:
    sent: int
    acked: int
    received: int
    errors: int
    acked_per_s: float
    received_per_s: float
    latency_p50_ms: float | None
    latency_p99_ms: float | None
    latency_max_ms: float | None
    ack_p50_ms: float | None
    ack_p99_ms: float | None
    server_cpu_pct: float | None
    client_cpu_pct: float


@dataclass
class Results:
    fixed_rate: Summary
    closed_loop: Summary


def percentile_of(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    return percentile(values, q) if values else None


def summarize(run: Run, arrivals: dict[str, float], cpu: tuple[float | None, float]) -> Summary:
    arrived = {n: arrivals[n] for n in run.sent_at if n in arrivals}
    latency = [(arrived[n] - run.sent_at[n]) * 1e3 for n in arrived]
    ack = [(run.acked_at[n] - run.sent_at[n]) * 1e3 for n in run.acked_at]
    last = max(arrived.values(), default=run.started)
    return Summary(
        sent=len(run.sent_at),
        acked=len(run.acked_at),
        received=len(arrived),
        errors=run.errors,
        acked_per_s=len(ack) / max(run.ended - run.started, 1e-9),
        received_per_s=len(arrived) / max(last - run.started, 1e-9),
        latency_p50_ms=percentile_of(latency, 50),
        latency_p99_ms=percentile_of(latency, 99),
        latency_max_ms=max(latency, default=None),
        ack_p50_ms=percentile_of(ack, 50),
        ack_p99_ms=percentile_of(ack, 99),
        server_cpu_pct=cpu[0],
        client_cpu_pct=cpu[1],
    )


# -- the two kinds of target -----------------------------------------------------------------


class Target(Protocol):
    arrivals: dict[str, float]

    async def send(self, nonce: str, lane: int) -> bool:
        """Send one message carrying ``nonce`` from sender ``lane``; True once accepted."""
        ...


class Listener:
    """IL on ``/v1/stream``: notes when each ``message.sent`` arrives, resuming after drops."""

    def __init__(self, ws_url: str, token: str) -> None:
        self.arrivals: dict[str, float] = {}
        self.frame_bytes: list[int] = []
        self.connected = asyncio.Event()
        self.reconnects = 0
        self._url = ws_url
        self._headers = {"Authorization": f"Bearer {token}"}
        self._last_seq = 0

    async def run(self) -> None:
        for _ in range(MAX_RECONNECTS):
            try:
                async with connect(
                    f"{self._url}?since={self._last_seq}", additional_headers=self._headers
                ) as ws:
                    self.connected.set()
                    async for frame in ws:
                        self._take(frame, time.perf_counter())
            except (ConnectionClosed, InvalidHandshake, OSError):
                self.reconnects += 1
                await asyncio.sleep(0.1)

    def _take(self, frame: str | bytes, now: float) -> None:
        event = json.loads(frame)
        self._last_seq = event["seq"]
        if event["type"] == "message.sent":
            self.arrivals.setdefault(event["payload"]["message"]["free_text"], now)
            self.frame_bytes.append(len(frame.encode() if isinstance(frame, str) else frame))


class ClearlineTarget:
    """TR sending to IL over HTTP: lanes take turns with the duty officer's and the system's
    token and are spread over several keep-alive clients."""

    def __init__(
        self, clients: list[httpx.AsyncClient], tokens: list[str], listener: Listener
    ) -> None:
        self.arrivals = listener.arrivals
        self._clients = clients
        self._auth = [f"Bearer {t}" for t in tokens]

    async def send(self, nonce: str, lane: int) -> bool:
        client = self._clients[lane % len(self._clients)]
        headers = {"Authorization": self._auth[lane % len(self._auth)], "Idempotency-Key": nonce}
        body = {"to": "IL", "type": "free_text", "precedence": "ROUTINE", "free_text": nonce}
        try:
            response = await client.post("/v1/messages", json=body, headers=headers)
        except httpx.HTTPError:
            return False
        return response.status_code == 201


class EchoTarget:
    """One WebSocket to the echo server; a message is accepted (and arrives) when it comes back."""

    def __init__(self, ws: ClientConnection, frame_bytes: int) -> None:
        self.arrivals: dict[str, float] = {}
        self._ws = ws
        self._pad = "x" * max(0, frame_bytes - 40)
        self._waiting: dict[str, asyncio.Future[None]] = {}

    async def send(self, nonce: str, lane: int) -> bool:
        echoed = asyncio.get_running_loop().create_future()
        self._waiting[nonce] = echoed
        try:
            await self._ws.send(json.dumps({"nonce": nonce, "pad": self._pad}))
            await asyncio.wait_for(echoed, REQUEST_TIMEOUT_S)
        except (TimeoutError, ConnectionClosed):
            self._waiting.pop(nonce, None)
            return False
        return True

    async def read(self) -> None:
        async for frame in self._ws:
            now = time.perf_counter()
            nonce = json.loads(frame)["nonce"]
            self.arrivals.setdefault(nonce, now)
            echoed = self._waiting.pop(nonce, None)
            if echoed is not None and not echoed.done():
                echoed.set_result(None)


# -- phases ----------------------------------------------------------------------------------


async def _one(target: Target, run: Run, nonce: str, lane: int, start: float) -> None:
    run.sent_at[nonce] = start
    if await target.send(nonce, lane):
        run.acked_at[nonce] = time.perf_counter()
    else:
        run.errors += 1


async def fixed_rate(target: Target, prefix: str, rate: float, duration: float) -> Run:
    """Open loop: message i goes at start + i / rate, however the earlier ones are doing.

    At most ``MAX_IN_FLIGHT`` requests are outstanding; a message that cannot start within
    ``REQUEST_TIMEOUT_S`` of its planned time is not sent and counts as an error.
    """
    gate = asyncio.Semaphore(MAX_IN_FLIGHT)
    run = Run(started=time.perf_counter())

    async def planned(i: int, at: float) -> None:
        try:
            await asyncio.wait_for(gate.acquire(), REQUEST_TIMEOUT_S)
        except TimeoutError:
            run.errors += 1
            return
        try:
            await _one(target, run, f"{prefix}-{i}", i % MAX_IN_FLIGHT, at)
        finally:
            gate.release()

    tasks = []
    for i in range(int(rate * duration)):
        at = run.started + i / rate
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        tasks.append(asyncio.create_task(planned(i, at)))
    await asyncio.gather(*tasks)
    run.ended = time.perf_counter()
    return run


async def closed_loop(target: Target, prefix: str, concurrency: int, duration: float) -> Run:
    """Closed loop: each sender sends its next message as soon as the last one is answered."""
    run = Run(started=time.perf_counter())
    deadline = run.started + duration

    async def sender(worker: int) -> None:
        for i in range(MAX_SENDS // concurrency):
            if time.perf_counter() >= deadline:
                return
            await _one(target, run, f"{prefix}-{worker}-{i}", worker, time.perf_counter())

    await asyncio.gather(*(sender(w) for w in range(concurrency)))
    run.ended = time.perf_counter()
    return run


async def drain(run: Run, arrivals: dict[str, float]) -> None:
    """Wait (bounded) for every accepted message to arrive."""
    deadline = time.perf_counter() + DRAIN_S
    pending = [n for n in run.sent_at if n not in arrivals]
    while pending and time.perf_counter() < deadline:
        await asyncio.sleep(0.02)
        pending = [n for n in pending if n not in arrivals]


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process, from /proc (None where there is none)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measured(target: Target, phase: Callable[[], Awaitable[Run]], server_pid: int) -> Summary:
    """Run one phase and its drain; note both sides' CPU while it ran."""
    server0, client0, wall0 = cpu_seconds(server_pid), time.process_time(), time.perf_counter()
    run = await phase()
    await drain(run, target.arrivals)
    wall = time.perf_counter() - wall0
    server1 = cpu_seconds(server_pid)
    server = None if server0 is None or server1 is None else (server1 - server0) / wall * 100
    client = (time.process_time() - client0) / wall * 100
    return summarize(run, target.arrivals, (server, client))


async def run_phases(target: Target, server_pid: int, args: argparse.Namespace) -> Results:
    tag = f"bench-{RUN_ID}-{type(target).__name__}"
    warm = await closed_loop(target, f"{tag}-warm", WARMUP_CONCURRENCY, WARMUP_S)
    await drain(warm, target.arrivals)
    fixed = await measured(
        target, lambda: fixed_rate(target, f"{tag}-fixed", args.rate, args.duration), server_pid
    )
    closed = await measured(
        target,
        lambda: closed_loop(target, f"{tag}-closed", args.concurrency, args.duration),
        server_pid,
    )
    return Results(fixed_rate=fixed, closed_loop=closed)


def phase_budget(args: argparse.Namespace) -> float:
    """A generous bound on warm-up plus both phases with their drains."""
    duration: float = args.duration
    return WARMUP_S + 2 * (duration + DRAIN_S + REQUEST_TIMEOUT_S) + 3 * DRAIN_S + 60


# -- Clearline -------------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    pid: int
    tokens: dict[str, dict[str, str]] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def clearline_cli() -> str:
    found = shutil.which("clearline", path=str(Path(sys.executable).parent)) or shutil.which(
        "clearline"
    )
    if found is None:
        sys.exit("clearline is not installed next to this Python: run `make` first")
    return found


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(int(STARTUP_S / 0.1)):
        if process.poll() is not None:
            sys.exit(f"clearline serve exited ({process.returncode}):\n{log.read_text()[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/healthz", timeout=1.0).status_code == 200:
                return
        time.sleep(0.1)
    sys.exit(f"clearline serve did not answer /healthz within {STARTUP_S:.0f} s")


@contextlib.contextmanager
def clearline_server(workdir: Path) -> Iterator[Server]:
    """A demo line in ``workdir``, served on a free loopback port until the block ends."""
    cli, db, log = clearline_cli(), workdir / "line.db", workdir / "serve.log"
    subprocess.run([cli, "init", "--db", str(db), "--demo"], check=True, capture_output=True)
    tokens = json.loads((workdir / "demo-tokens.json").read_text())
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [cli, "serve", "--db", str(db), "--host", LOOPBACK, "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://{LOOPBACK}:{port}"
            wait_healthy(url, process, log)
            yield Server(url=url, pid=process.pid, tokens=tokens)
        finally:
            stop(process)


def http_client(url: str) -> httpx.AsyncClient:
    limits = httpx.Limits(
        max_connections=LANES_PER_CLIENT, max_keepalive_connections=LANES_PER_CLIENT
    )
    return httpx.AsyncClient(base_url=url, limits=limits, timeout=REQUEST_TIMEOUT_S)


async def measure_clearline(server: Server, args: argparse.Namespace) -> tuple[Results, int]:
    """Both phases against the line; also the median size of a ``message.sent`` frame."""
    ws_url = server.url.replace("http://", "ws://") + "/v1/stream"
    listener = Listener(ws_url, server.tokens["IL"]["duty_officer"])
    listening = asyncio.create_task(listener.run())
    senders = [server.tokens["TR"]["duty_officer"], server.tokens["TR"]["system"]]
    try:
        await asyncio.wait_for(listener.connected.wait(), STARTUP_S)
        async with contextlib.AsyncExitStack() as stack:
            clients = [
                await stack.enter_async_context(http_client(server.url))
                for _ in range(math.ceil(max(args.concurrency, MAX_IN_FLIGHT) / LANES_PER_CLIENT))
            ]
            target = ClearlineTarget(clients, senders, listener)
            results = await asyncio.wait_for(
                run_phases(target, server.pid, args), phase_budget(args)
            )
    finally:
        listening.cancel()
        await asyncio.gather(listening, return_exceptions=True)
    if listener.reconnects:
        console.print(f"[yellow]the IL stream reconnected {listener.reconnects} time(s)")
    return results, int(statistics.median(listener.frame_bytes or [1024]))


# -- the echo baseline -----------------------------------------------------------------------


async def _echo(ws: ServerConnection) -> None:
    async for frame in ws:
        await ws.send(frame)


async def _echo_forever(port: int, lifetime_s: float) -> None:
    async with serve(_echo, LOOPBACK, port):
        await asyncio.sleep(lifetime_s)


def _echo_main(port: int, lifetime_s: float) -> None:
    run_async(_echo_forever(port, lifetime_s))


def wait_listening(port: int) -> None:
    for _ in range(int(STARTUP_S / 0.1)):
        with contextlib.suppress(OSError), socket.create_connection((LOOPBACK, port), 1.0):
            return
        time.sleep(0.1)
    sys.exit(f"the baseline server did not listen within {STARTUP_S:.0f} s")


@contextlib.contextmanager
def spawned(scheme: str, main: Callable[..., None], *args: Any) -> Iterator[Server]:
    """A baseline server in its own process (its own event loop and GIL): ``main(port,
    *args)`` on a free loopback port, until the block ends."""
    port = free_port()
    process = multiprocessing.get_context("spawn").Process(
        target=main, args=(port, *args), daemon=True
    )
    process.start()
    try:
        wait_listening(port)
        assert process.pid is not None
        yield Server(url=f"{scheme}://{LOOPBACK}:{port}", pid=process.pid)
    finally:
        process.kill()
        process.join(timeout=5)


def echo_server(lifetime_s: float) -> contextlib.AbstractContextManager[Server]:
    """A bare websockets echo server in its own process."""
    return spawned("ws", _echo_main, lifetime_s)


async def measure_echo(server: Server, frame_bytes: int, args: argparse.Namespace) -> Results:
    async with connect(server.url, max_size=None) as ws:
        target = EchoTarget(ws, frame_bytes)
        reading = asyncio.create_task(target.read())
        try:
            return await asyncio.wait_for(run_phases(target, server.pid, args), phase_budget(args))
        finally:
            reading.cancel()
            await asyncio.gather(reading, return_exceptions=True)


# -- report ----------------------------------------------------------------------------------

ROWS: list[tuple[str, str, str, bool]] = [
    # label, Summary field, format, whether a Clearline / echo ratio means something
    ("sent", "sent", "{:.0f}", False),
    ("received", "received", "{:.0f}", False),
    ("errors", "errors", "{:.0f}", False),
    ("accepted msg/s (201 / echo)", "acked_per_s", "{:,.0f}", True),
    ("received msg/s", "received_per_s", "{:,.0f}", True),
    ("latency p50 ms (delivery / echo)", "latency_p50_ms", "{:.2f}", True),
    ("latency p99 ms", "latency_p99_ms", "{:.2f}", True),
    ("latency max ms", "latency_max_ms", "{:.2f}", True),
    ("accept p50 ms (POST 201 / echo)", "ack_p50_ms", "{:.2f}", True),
    ("accept p99 ms", "ack_p99_ms", "{:.2f}", True),
    ("server cpu % of a core", "server_cpu_pct", "{:.0f}", False),
    ("client cpu % of a core", "client_cpu_pct", "{:.0f}", False),
]


def fmt(value: float | None, pattern: str) -> str:
    return "—" if value is None else pattern.format(value)


def ratio(ours: float | None, base: float | None) -> float | None:
    return None if ours is None or not base else ours / base


def phase_table(title: str, ours: Summary, base: Summary) -> Table:
    table = Table("", "Clearline", "WS echo", "Clearline / echo", title=title)
    for label, name, pattern, compare in ROWS:
        a, b = getattr(ours, name), getattr(base, name)
        table.add_row(
            label, fmt(a, pattern), fmt(b, pattern), fmt(ratio(a, b), "×{:.2f}") if compare else ""
        )
    return table


@dataclass
class Setting(Machine):
    """How the run was made, and how busy the machine was before it began."""

    rate: float
    duration_s: float
    concurrency: int
    echo_frame_bytes: int = 0


def verdicts(ours: Results, setting: Setting) -> Verdicts:
    fixed, closed = ours.fixed_rate, ours.closed_loop
    complete = fixed.errors == 0 and fixed.received == fixed.sent
    p99 = fixed.latency_p99_ms
    sustained = min(closed.acked_per_s, closed.received_per_s)
    at = f"at {TARGET_RATE:.0f} msg/s (run at {setting.rate:g})"
    return {
        f"p99 ≤ {TARGET_P99_MS:.0f} ms {at}": verdict(
            fmt(p99, "{:.2f} ms") + ("" if complete else " (messages lost)"),
            p99 is not None and p99 <= TARGET_P99_MS and complete,
        ),
        f"sustained ≥ {TARGET_SUSTAINED:,.0f} msg/s (min of 201/s, received/s)": verdict(
            f"{sustained:,.0f} msg/s", sustained >= TARGET_SUSTAINED
        ),
    }


def report(ours: Results, base: Results, setting: Setting) -> None:
    console.print(
        f"machine: {setting.describe()}\n"
        f"{setting.duration_s:g} s a phase · echo frame {setting.echo_frame_bytes} bytes"
    )
    setting.warn_if_busy()
    fixed = f"fixed rate {setting.rate:g} msg/s (open loop)"
    closed = f"sustained, {setting.concurrency} senders (closed loop)"
    console.print(phase_table(fixed, ours.fixed_rate, base.fixed_rate))
    console.print(phase_table(closed, ours.closed_loop, base.closed_loop))
    console.print(targets_table(verdicts(ours, setting)))


def figures(ours: Results, base: Results, setting: Setting) -> dict[str, Any]:
    ratios = {
        mode: {
            name: ratio(getattr(getattr(ours, mode), name), getattr(getattr(base, mode), name))
            for _, name, _, compare in ROWS
            if compare
        }
        for mode in ("fixed_rate", "closed_loop")
    }
    return {
        "setting": asdict(setting),
        "clearline": asdict(ours),
        "baseline_ws_echo": asdict(base),
        "ratios_clearline_over_echo": ratios,
        "targets": verdicts(ours, setting),
    }


# -- main ------------------------------------------------------------------------------------


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run on uvloop where it is installed (as uvicorn does), else on asyncio's own loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def parse_args() -> argparse.Namespace:
    parser = parser_for(__doc__)
    parser.add_argument("--rate", type=float, default=TARGET_RATE, help="msg/s, fixed-rate phase")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per phase")
    parser.add_argument("--concurrency", type=int, default=64, help="closed-loop senders")
    add_common_options(parser)
    args = parser.parse_args()
    if not (0 < args.rate <= 100_000 and 0 < args.duration <= 600 and args.concurrency > 0):
        parser.error("need 0 < rate <= 100000, 0 < duration <= 600, concurrency > 0")
    return args


def main() -> None:
    args = parse_args()
    setting = Setting(rate=args.rate, duration_s=args.duration, concurrency=args.concurrency)
    with tempfile.TemporaryDirectory(prefix="clearline-bench-") as workdir:
        with clearline_server(Path(workdir)) as server:
            console.print(f"Clearline on {server.url} (pid {server.pid}) …")
            ours, setting.echo_frame_bytes = run_async(measure_clearline(server, args))
        with echo_server(phase_budget(args) + STARTUP_S) as echo:
            console.print(f"WS echo on {echo.url} (pid {echo.pid}) …")
            base = run_async(measure_echo(echo, setting.echo_frame_bytes, args))
    report(ours, base, setting)
    if args.json is not None:
        write_figures(args.json, figures(ours, base, setting))


if __name__ == "__main__":
    main()
