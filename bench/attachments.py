"""Benchmark a case's files: a file streamed into the line, served back, and a dossier that
carries them, against the same bytes streamed through a bare HTTP sink that only hashes them.

What it measures, for each size of ``--sizes`` (MiB; 1, 10 and 50: the limit), smallest first:

* ``clearline serve`` (uvicorn, as ``bench/hotline.py`` starts it) on a fresh demo store, on
  loopback, and a case TR files over a window just past. ``--repeats`` files of that size,
  each of different random bytes behind a PDF header (so that none is kept already: the store
  keeps a file once), are written to disk, then each POSTed to ``.../attachments`` by httpx
  streaming it from the disk in 1 MiB pieces, without a length (as a client that does not
  know it would), timed from the call to the answer; the answer's SHA-256 must be the file's.
  Median and max seconds, and MiB/s at the median. Each is then fetched back by its hash and
  hashed here: the median seconds, and the bytes must be the file's.
* the server's peak resident memory (``VmHWM`` in ``/proc``) once started and warmed up by
  one small file sent and fetched back, and after each size's uploads: sizes go up, so its
  growth over the start is the most any file so far needed at once. Then after the
  downloads, and after one dossier of a second case holding one file of each size (its time
  and size too: the zip is spooled to disk and its files copied in piece by piece, so it
  should grow by a few pieces, not by what the files weigh).
* baseline: the same files, sent the same way, to a bare Starlette app under uvicorn in its
  own process that reads the body as it streams and hashes it: HTTP and SHA-256 alone, no
  type check, spool, store or ledger. Ratio: our median upload over its, per size.

Target: a 50 MiB upload grows the server's peak memory by at most 16 MiB (streamed: spooled
to disk past 1 MiB, stored in 1 MiB pieces, never whole).

Run: ``python bench/attachments.py [--sizes 1,10,50] [--repeats 5] [--workdir DIR]
[--json FILE]``. It starts and always stops its own servers.
"""

from __future__ import annotations

import hashlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from common import (
    Machine,
    Verdicts,
    add_common_options,
    console,
    int_list,
    note,
    parser_for,
    room_for,
    targets_table,
    verdict,
    write_figures,
)
from hotline import LOOPBACK, Server, clearline_server, spawned
from rich.table import Table

MIB = 1024 * 1024
PDF = b"%PDF-1.7\n"
TARGET_GROWTH_MIB = 16.0
TIMEOUT_S = 300.0


@dataclass
class SizeFigures:
    size_mib: int
    upload_median_s: float
    upload_max_s: float
    upload_mib_s: float
    download_median_s: float
    peak_growth_mib: float
    sink_median_s: float
    ratio: float


@dataclass(kw_only=True)
class Setting(Machine):
    sizes_mib: list[int] = field(default_factory=list)
    repeats: int = 5


@dataclass
class Results:
    sizes: list[SizeFigures]
    start_peak_mib: float
    after_downloads_growth_mib: float
    dossier_s: float
    dossier_mib: float
    after_dossier_growth_mib: float


# -- the files and how they are sent ---------------------------------------------------------


def written(folder: Path, size_mib: int, n: int) -> tuple[Path, str]:
    """A file of ``size_mib`` MiB of random bytes behind a PDF header, and its SHA-256."""
    path = folder / f"{size_mib}-{n}.pdf"
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for piece in (PDF, os.urandom(size_mib * MIB - len(PDF))):
            digest.update(piece)
            out.write(piece)
    return path, digest.hexdigest()


def pieces(path: Path) -> Iterator[bytes]:
    with path.open("rb") as source:
        while piece := source.read(MIB):
            yield piece


def sent(client: httpx.Client, url: str, path: Path) -> tuple[float, Any]:
    """POST the file streamed from disk; the seconds it took and the answer."""
    started = time.perf_counter()
    answer = client.post(
        url,
        params={"name": path.name},
        content=pieces(path),
        headers={"Content-Type": "application/pdf"},
    )
    elapsed = time.perf_counter() - started
    if answer.status_code not in (200, 201):
        sys.exit(f"POST {url} answered {answer.status_code}: {answer.text[:300]}")
    return elapsed, answer.json()


def peak_mib(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    sys.exit(f"no VmHWM for process {pid}: this benchmark needs Linux /proc")


# -- Clearline -------------------------------------------------------------------------------


def filed(client: httpx.Client) -> int:
    """A case TR files over a window that ended five minutes ago."""
    now = datetime.now(UTC)
    answer = client.post(
        "/v1/incidents",
        json={
            "kind": "jamming",
            "start": (now - timedelta(minutes=20)).isoformat(),
            "end": (now - timedelta(minutes=5)).isoformat(),
            "place": {"point": {"lat": 34.7, "lon": 38.3}, "radius_m": 5000},
        },
    )
    if answer.status_code != 201:
        sys.exit(f"filing the case answered {answer.status_code}: {answer.text[:300]}")
    return int(answer.json()["incident"]["id"])


def attached_sha(case: dict[str, Any], name: str) -> str:
    return str(
        next(
            i["payload"]["attachment"]["sha256"]
            for i in case["evidence"]
            if i["type"] == "incident.attachment" and i["payload"]["attachment"]["name"] == name
        )
    )


def measure_clearline(server: Server, files: dict[int, list[tuple[Path, str]]]) -> Results:
    headers = {"Authorization": f"Bearer {server.tokens['TR']['liaison_officer']}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=TIMEOUT_S) as client:
        case = filed(client)
        path = f"/v1/incidents/{case}/attachments"
        warm_up(client, path)
        start_peak = peak_mib(server.pid)
        uploads: dict[int, list[float]] = {}
        growth: dict[int, float] = {}
        for size, batch in files.items():
            note(f"{len(batch)} uploads of {size} MiB …")
            times = []
            for file, sha in batch:
                elapsed, answer = sent(client, path, file)
                if attached_sha(answer, file.name) != sha:
                    sys.exit(f"the line recorded another hash for {file.name}")
                times.append(elapsed)
            uploads[size] = times
            growth[size] = peak_mib(server.pid) - start_peak
        downloads = {
            size: [fetched(client, path, sha) for _, sha in batch] for size, batch in files.items()
        }
        after_downloads = peak_mib(server.pid) - start_peak
        dossier_s, dossier_bytes = dossier_of(client, files)
        after_dossier = peak_mib(server.pid) - start_peak
    sizes = [
        SizeFigures(
            size_mib=size,
            upload_median_s=statistics.median(uploads[size]),
            upload_max_s=max(uploads[size]),
            upload_mib_s=size / statistics.median(uploads[size]),
            download_median_s=statistics.median(downloads[size]),
            peak_growth_mib=growth[size],
            sink_median_s=0.0,
            ratio=0.0,
        )
        for size in files
    ]
    results = Results(
        sizes=sizes,
        start_peak_mib=start_peak,
        after_downloads_growth_mib=after_downloads,
        dossier_s=dossier_s,
        dossier_mib=dossier_bytes / MIB,
        after_dossier_growth_mib=after_dossier,
    )
    return results


def warm_up(client: httpx.Client, path: str) -> None:
    """One small file through every step first, so the growth measured is the files' alone,
    not the first request's imports and caches."""
    answer = client.post(
        path,
        params={"name": "warm-up.txt"},
        content=b"warm up\n",
        headers={"Content-Type": "text/plain"},
    )
    if answer.status_code != 201:
        sys.exit(f"the warm-up upload answered {answer.status_code}: {answer.text[:300]}")
    client.get(f"{path}/{hashlib.sha256(b'warm up' + bytes([10])).hexdigest()}").raise_for_status()


def fetched(client: httpx.Client, path: str, sha: str) -> float:
    started = time.perf_counter()
    digest = hashlib.sha256()
    with client.stream("GET", f"{path}/{sha}") as answer:
        for piece in answer.iter_bytes(MIB):
            digest.update(piece)
    elapsed = time.perf_counter() - started
    if digest.hexdigest() != sha:
        sys.exit(f"the line served {sha} as other bytes")
    return elapsed


def dossier_of(client: httpx.Client, files: dict[int, list[tuple[Path, str]]]) -> tuple[float, int]:
    """A second case with the first file of each size: its dossier's seconds and bytes."""
    case = filed(client)
    for batch in files.values():
        sent(client, f"/v1/incidents/{case}/attachments", batch[0][0])
    note("the dossier of a case with one file of each size …")
    started = time.perf_counter()
    answer = client.get(f"/v1/incidents/{case}/dossier")
    elapsed = time.perf_counter() - started
    if answer.status_code != 200:
        sys.exit(f"the dossier answered {answer.status_code}: {answer.text[:300]}")
    return elapsed, len(answer.content)


# -- the baseline: a bare sink ---------------------------------------------------------------


def _sink_main(port: int) -> None:
    """Starlette under uvicorn: the body read as it streams, hashed, thrown away."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def sink(request: Request) -> JSONResponse:
        digest = hashlib.sha256()
        async for chunk in request.stream():
            digest.update(chunk)
        return JSONResponse({"sha256": digest.hexdigest()}, status_code=201)

    app = Starlette(routes=[Route("/sink", sink, methods=["POST"])])
    uvicorn.run(app, host=LOOPBACK, port=port, log_level="warning")


def measure_sink(server: Server, files: dict[int, list[tuple[Path, str]]]) -> dict[int, float]:
    medians = {}
    with httpx.Client(base_url=server.url, timeout=TIMEOUT_S) as client:
        for size, batch in files.items():
            times = []
            for file, sha in batch:
                elapsed, answer = sent(client, "/sink", file)
                if answer["sha256"] != sha:
                    sys.exit("the sink hashed other bytes")
                times.append(elapsed)
            medians[size] = statistics.median(times)
    return medians


# -- the report ------------------------------------------------------------------------------


def report(results: Results, setting: Setting) -> Verdicts:
    table = Table(
        "size",
        "upload median",
        "max",
        "MiB/s",
        "bare sink",
        "ratio",
        "download median",
        "peak growth",
        title=f"files streamed into the line, {setting.repeats} of each size",
    )
    for s in results.sizes:
        table.add_row(
            f"{s.size_mib} MiB",
            f"{s.upload_median_s:.3f} s",
            f"{s.upload_max_s:.3f} s",
            f"{s.upload_mib_s:.0f}",
            f"{s.sink_median_s:.3f} s",
            f"{s.ratio:.1f}×",
            f"{s.download_median_s:.3f} s",
            f"{s.peak_growth_mib:.1f} MiB",
        )
    console.print(table)
    console.print(
        f"server peak at start {results.start_peak_mib:.0f} MiB; growth after the downloads "
        f"{results.after_downloads_growth_mib:.1f} MiB; dossier of "
        f"{results.dossier_mib:.1f} MiB in {results.dossier_s:.2f} s, growth after it "
        f"{results.after_dossier_growth_mib:.1f} MiB"
    )
    largest = max(results.sizes, key=lambda s: s.size_mib)
    name = (
        f"a {largest.size_mib} MiB upload grows the server's peak by ≤ {TARGET_GROWTH_MIB:.0f} MiB"
    )
    growth = largest.peak_growth_mib
    verdicts = {name: verdict(f"{growth:.1f} MiB", growth <= TARGET_GROWTH_MIB)}
    console.print(targets_table(verdicts))
    return verdicts


def parse_args() -> Any:
    parser = parser_for(__doc__ or "")
    parser.add_argument("--sizes", type=int_list, default=[1, 10, 50], help="MiB, at most 50")
    parser.add_argument("--repeats", type=int, default=5, help="files of each size")
    add_common_options(parser, workdir=True)
    args = parser.parse_args()
    if not (all(1 <= s <= 50 for s in args.sizes) and 1 <= args.repeats <= 50):
        parser.error("need sizes of 1 to 50 MiB and 1 to 50 repeats")
    return args


def main() -> None:
    args = parse_args()
    setting = Setting(sizes_mib=args.sizes, repeats=args.repeats)
    setting.warn_if_busy()
    need = 3 * sum(args.sizes) * args.repeats * MIB
    with tempfile.TemporaryDirectory(dir=room_for(args.workdir, need)) as workdir:
        folder = Path(workdir)
        files = {s: [written(folder, s, n) for n in range(args.repeats)] for s in args.sizes}
        (folder / "line").mkdir()
        with clearline_server(folder / "line") as server:
            console.print(f"Clearline on {server.url} (pid {server.pid}) …")
            results = measure_clearline(server, files)
        with spawned("http", _sink_main) as sink:
            console.print(f"bare sink on {sink.url} (pid {sink.pid}) …")
            medians = measure_sink(sink, files)
    for s in results.sizes:
        s.sink_median_s = medians[s.size_mib]
        s.ratio = s.upload_median_s / s.sink_median_s
    console.print(setting.describe())
    verdicts = report(results, setting)
    if args.json is not None:
        write_figures(
            args.json, {"setting": asdict(setting), "results": asdict(results), "targets": verdicts}
        )


if __name__ == "__main__":
    main()
