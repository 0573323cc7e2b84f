"""Every tui-reader benchmark in one run, side by side with its comparison, as one markdown table.

    .venv/bin/python bench/run.py                  # 200 feeds x 25 items, 0 and 50 ms, 3 runs
    .venv/bin/python bench/run.py --quick          # 5 feeds x 4 items, 1 run, 0 ms (smoke test)
    .venv/bin/python bench/run.py --feeds 200 --items 25 --latency 0,50 --runs 3

Rows (each figure the median of --runs runs; what they mean: docs/benchmarks.md):

- cold fetch, feeds only: `tui-reader fetch --no-fulltext` (a subprocess, fresh store) vs
  `newsboat -x reload` with `reload-threads 8` (fresh cache) on the same feeds;
- warm fetch: both again on their stores, nothing changed: every feed answers 304;
- cold fetch with full text: `tui-reader fetch` (fresh store) vs the machine's CPU floor, i.e.
  (bare feedparser CPU over the feeds + bare `trafilatura.extract` CPU over the pages that need
  extraction) / cores, measured in this process;
- extraction pages/s: `extract_article` vs bare `trafilatura.extract` on the same pages, one core;
- reader start-up: `tui-reader` under a pseudo-terminal, from spawn until the entry list has
  painted rows, vs a minimal Textual app painting rows the same way (bench/minimal_app.py);
- cursor move: keypress-to-frame latency in the reader (bench/reader_probe.py, Pilot), p50/p95;
- peak memory: fetch (sum of RSS over the process tree, sampled every 0.1 s, and the largest
  single process's VmHWM) and reader (VmHWM once the rows are shown).

The sites are served by bench/server.py, each on its own loopback address, with the added
latency (+- 20% jitter). Nothing leaves 127.0.0.0/8.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import functools
import gc
import json
import os
import platform
import re
import select
import shlex
import shutil
import signal
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

from bench.corpus import Corpus, site_address  # noqa: E402
from bench.server import BenchServer  # noqa: E402

BENCH = ROOT / "bench"
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
CLK_TCK = os.sysconf("SC_CLK_TCK")
MARKER = re.compile(rb"e(\d{6}) \xc2\xb7")  # "e000123 ·" at the start of each benchmark title


# -- the machine ------------------------------------------------------------------------------


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def newsboat_path() -> str | None:
    return shutil.which("newsboat")


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("tui-reader", "textual", "trafilatura", "feedparser", "httpx"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "absent"
    nb = newsboat_path()
    if nb:
        try:
            first = subprocess.run(
                [nb, "--version"], capture_output=True, text=True, timeout=10
            ).stdout.splitlines()
            out["newsboat"] = first[0].split(" - ")[0].replace("newsboat ", "") if first else "?"
        except (OSError, subprocess.SubprocessError):
            out["newsboat"] = "?"
    else:
        out["newsboat"] = "absent"
    return out


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in PROXY_VARS}
    env.pop("TUI_READER_CONFIG", None)
    env.update(extra)
    return env


def tui_reader_cmd() -> list[str]:
    script = Path(sys.executable).parent / "tui-reader"
    return [str(script)] if script.exists() else [sys.executable, "-m", "tui_reader"]


# -- measuring a subprocess -------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    with contextlib.suppress(OSError):
        for tid in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                kids.extend(
                    int(k) for k in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()
                )
    return kids


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(_children(p))
    return out


def _rss_hwm_kb(pid: int) -> tuple[int, int]:
    rss = hwm = 0
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    return rss, hwm


def _status_kb(pid: int, key: str) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def _cpu_s(pid: int) -> float | None:
    """utime + stime of one process, from /proc/PID/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


class TreeSampler:
    """Samples a process tree every `interval` s in a thread: the peak of its summed RSS, each
    process's VmHWM (its own peak RSS since exec) and CPU time as last seen.

    RSS, not PSS: reading smaps_rollup walks the page tables (about 8 ms for an 800 MB process,
    ten times a second, on the cores being measured). The workers are started by a forkserver,
    not forked from the fetch, so the sum counts little twice: shared libraries, once a process.
    """

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_kb = 0
        self.hwm_kb: dict[int, int] = {}
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            for p in _tree(self.pid):
                rss, hwm = _rss_hwm_kb(p)
                total += rss
                self.hwm_kb[p] = max(self.hwm_kb.get(p, 0), hwm)
                cpu = _cpu_s(p)
                if cpu is not None:
                    self.cpu[p] = cpu
            self.peak_kb = max(self.peak_kb, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)


@dataclass
class ProcRun:
    cmd: list[str]
    wall: float
    rc: int
    maxrss_mb: float  # the largest VmHWM of one process of the tree, as sampled
    tree_peak_mb: float  # summed RSS of the tree, sampled
    cpu_s: float  # user + sys of the whole tree (sampled; or wait4's, if larger)
    main_cpu_s: float  # of the command's own process (as last sampled, <= 0.1 s before it ended)
    stdout: str
    stderr: str


def run_measured(cmd: list[str], env: dict[str, str], timeout: float = 900.0) -> ProcRun:
    """Run `cmd` to completion: wall time, CPU, peak memory. Output is drained by threads."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True
    )
    chunks: dict[str, list[bytes]] = {"out": [], "err": []}

    def drain(name: str, stream: Any) -> None:
        for block in iter(lambda: stream.read(65536), b""):
            chunks[name].append(block)

    drains = [
        threading.Thread(target=drain, args=("out", proc.stdout), daemon=True),
        threading.Thread(target=drain, args=("err", proc.stderr), daemon=True),
    ]
    for t in drains:
        t.start()
    timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
    timer.start()
    with TreeSampler(proc.pid) as sampler:
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    for t in drains:
        t.join(10)
    return ProcRun(
        cmd=cmd,
        wall=wall,
        rc=proc.returncode,
        # not ru_maxrss: a forked child inherits its parent's RSS high-water mark through exec
        maxrss_mb=max(sampler.hwm_kb.values(), default=0) / 1024,
        tree_peak_mb=sampler.peak_kb / 1024,
        cpu_s=max(usage.ru_utime + usage.ru_stime, sum(sampler.cpu.values())),
        main_cpu_s=sampler.cpu.get(proc.pid, 0.0),
        stdout=b"".join(chunks["out"]).decode("utf-8", "replace"),
        stderr=b"".join(chunks["err"]).decode("utf-8", "replace"),
    )


@dataclass
class PtyRun:
    ready_s: float | None  # spawn -> enough rows painted; None if never
    hwm_mb: float  # VmHWM of the process, read after the settle time
    tail: str


def run_under_pty(
    cmd: list[str],
    env: dict[str, str],
    *,
    size: tuple[int, int],
    need_rows: int,
    timeout: float = 60.0,
    settle: float = 1.0,
) -> PtyRun:
    """Spawn `cmd` on a new pseudo-terminal of `size` (cols, rows); time until `need_rows`
    distinct benchmark rows (`e000123 ·`) have been written to the terminal."""
    cols, rows = size
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    seen: set[bytes] = set()
    ready: float | None = None
    tail = b""
    deadline = t0 + timeout
    settle_until: float | None = None
    try:
        while True:
            now = time.perf_counter()
            if now > deadline or (settle_until is not None and now > settle_until):
                break
            readable, _, _ = select.select([master], [], [], 0.005)
            if readable:
                try:
                    data = os.read(master, 1 << 16)
                except OSError:
                    break
                if not data:
                    break
                window = tail[-16:] + data
                tail = (tail + data)[-4096:]
                if ready is None:
                    seen.update(m.group(1) for m in MARKER.finditer(window))
                    if len(seen) >= need_rows:
                        ready = time.perf_counter() - t0
                        settle_until = time.perf_counter() + settle
            elif proc.poll() is not None:
                break
        hwm = _status_kb(proc.pid, "VmHWM") / 1024
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
        os.close(master)
    return PtyRun(ready, hwm, tail.decode("utf-8", "replace"))


# -- statistics and formatting ------------------------------------------------------------------


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def percentile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@dataclass
class Row:
    name: str
    value: str
    comparison: str
    ratio: str
    target: str
    met: str
    note: str = ""


def fmt_s(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.2f} s"


def fmt_ratio(a: float | None, b: float | None) -> tuple[str, float | None]:
    if a is None or b is None or b <= 0:
        return "n/a", None
    r = a / b
    return f"{r:.2f}x", r


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("yes" if ok else "**no**")


# -- the benchmark configuration --------------------------------------------------------------


@dataclass
class Options:
    feeds: int
    items: int
    full_share: float
    latencies: list[float]
    jitter_share: float
    runs: int
    entries: list[int]
    keys: int
    extract_sample: int
    seed: int
    size: tuple[int, int]
    newsboat: bool
    quick: bool
    only: set[str]
    json_out: Path | None
    target_latency: float = 50.0


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def write_tui_config(path: Path, data: Path, feeds: Sequence[tuple[str, str]]) -> Path:
    lines = [
        "[storage]",
        f'data_dir = "{data / "data"}"',
        f'cache_dir = "{data / "cache"}"',
        "",
    ]
    for url, title in feeds:
        lines += ["[[feeds]]", f'url = "{url}"', f'title = "{title}"', ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def write_newsboat_files(base: Path, urls: Sequence[str]) -> list[str]:
    base.mkdir(parents=True, exist_ok=True)
    (base / "urls").write_text("\n".join(urls) + "\n")
    (base / "config").write_text(
        "reload-threads 8\nauto-reload no\nshow-read-feeds yes\ndownload-retries 1\n"
    )
    return [
        "-x", "reload", "-q",
        "-u", str(base / "urls"),
        "-c", str(base / "cache.db"),
        "-C", str(base / "config"),
    ]  # fmt: skip


def newsboat_items(base: Path) -> int:
    with (
        contextlib.suppress(sqlite3.Error),
        contextlib.closing(sqlite3.connect(base / "cache.db")) as conn,
    ):
        return int(conn.execute("SELECT count(*) FROM rss_item").fetchone()[0])
    return -1


def parse_fetch_json(out: str) -> dict[str, Any]:
    for line in reversed(out.strip().splitlines()):
        with contextlib.suppress(ValueError):
            data = json.loads(line)
            if isinstance(data, dict) and "summary" in data:
                return dict(data["summary"])
    return {}


# -- fetch benchmarks ---------------------------------------------------------------------------


def bench_fetch(
    opts: Options, corpus: Corpus, server: BenchServer, work: Path, res: Results
) -> None:
    nb = newsboat_path() if opts.newsboat else None
    if nb is None:
        res.notes.append(
            "newsboat is not installed (or --no-newsboat): its columns are n/a."
            if opts.newsboat
            else "newsboat columns skipped (--no-newsboat)."
        )
    for latency in opts.latencies:
        _fetch_at(opts, corpus, server, work, res, latency, nb)
    # What a fetch costs before it fetches anything: interpreter, imports, config, store.
    starts = [run_measured([*tui_reader_cmd(), "--version"], clean_env()).wall for _ in range(3)]
    imports = [
        run_measured(
            [sys.executable, "-c", "import tui_reader.cli, tui_reader.pipeline"], clean_env()
        ).wall
        for _ in range(3)
    ]
    res.notes.append(
        f"process start-up: `tui-reader --version` {median(starts) or 0:.2f} s, "
        f"`import tui_reader.cli, tui_reader.pipeline` {median(imports) or 0:.2f} s (medians of 3)."
    )


def _fetch_at(
    opts: Options,
    corpus: Corpus,
    server: BenchServer,
    work: Path,
    res: Results,
    latency: float,
    nb: str | None,
) -> None:
    feeds = [(s.feed_url, s.name) for s in corpus.sites]
    urls = [u for u, _ in feeds]
    tui = tui_reader_cmd()
    env = clean_env()
    server.set_latency(latency, latency * opts.jitter_share)
    samples: dict[str, list[ProcRun]] = {
        k: [] for k in ("feeds_cold", "full_cold", "full_warm", "nb_cold", "nb_warm")
    }
    checks: dict[str, Any] = {}

    def timed(key: str, cmd: list[str], run_env: dict[str, str]) -> ProcRun:
        server.reset_stats()
        own = time.process_time()
        run = run_measured(cmd, run_env)
        own = time.process_time() - own
        samples[key].append(run)
        checks.setdefault(key, []).append(
            {
                "rc": run.rc,
                "runner_cpu_s": own,  # the server and the memory sampler, on the same cores
                "summary": parse_fetch_json(run.stdout),
                "server": server.stats.summary(),
            }
        )
        if run.rc not in (0, 1):
            res.notes.append(
                f"{key} at {latency:g} ms exited {run.rc}: {run.stderr.strip()[-300:]}"
            )
        return run

    for i in range(opts.runs):
        tag = f"{int(latency)}ms-{i}"
        # 1. feeds only, cold
        d = work / f"feeds-{tag}"
        cfg = write_tui_config(d.with_suffix(".toml"), d, feeds)
        timed("feeds_cold", [*tui, "--config", str(cfg), "fetch", "--no-fulltext", "--json"], env)
        # 2. newsboat, cold
        if nb:
            nbdir = work / f"newsboat-{tag}"
            args = write_newsboat_files(nbdir, urls)
            timed("nb_cold", [nb, *args], clean_env(HOME=str(nbdir)))
            checks.setdefault("nb_items", []).append(newsboat_items(nbdir))
        # 3. full text, cold; 4. warm on the same store
        d = work / f"full-{tag}"
        cfg = write_tui_config(d.with_suffix(".toml"), d, feeds)
        timed("full_cold", [*tui, "--config", str(cfg), "fetch", "--json"], env)
        timed("full_warm", [*tui, "--config", str(cfg), "fetch", "--json"], env)
        # 5. newsboat, warm. newsboat 2.21 saves a feed's ETag/Last-Modified only once the
        # feed's row exists, i.e. from its second reload on: one untimed reload first.
        if nb:
            run_measured([nb, *args], clean_env(HOME=str(nbdir)))
            timed("nb_warm", [nb, *args], clean_env(HOME=str(nbdir)))
        for path in (work / f"feeds-{tag}", work / f"full-{tag}"):
            shutil.rmtree(path, ignore_errors=True)

    def med(key: str) -> float | None:
        return median([r.wall for r in samples[key]])

    lat = f"{latency:g} ms"
    at_target = latency == opts.target_latency

    def ratio_row(
        name: str,
        value: float | None,
        compared: str,
        against: float | None,
        limit: float,
        target: str,
    ) -> None:
        """A row judged by its ratio to `against`, at the target latency only."""
        text, r = fmt_ratio(value, against)
        res.rows.append(
            Row(
                f"{name}, {lat}",
                fmt_s(value),
                compared,
                text,
                target if at_target else "(info)",
                verdict(r <= limit if (r is not None and at_target) else None),
            )
        )

    fc, nc = med("feeds_cold"), med("nb_cold")
    fw, nw = med("full_warm"), med("nb_warm")
    newsboat = "newsboat {}" if nb else "newsboat n/a"
    ratio_row("cold fetch, feeds only", fc, newsboat.format(fmt_s(nc)), nc, 1.5, "≤ 1.5x newsboat")
    ratio_row("warm fetch (all 304)", fw, newsboat.format(fmt_s(nw)), nw, 0.5, "≤ 0.5x newsboat")
    floor = res.raw.get("cpu_floor", {}).get("floor_s")
    ratio_row(
        "cold fetch, full text",
        med("full_cold"),
        f"CPU floor {fmt_s(floor)}",
        floor,
        1.3,
        "≤ 1.3x floor",
    )

    def info_row(
        name: str, shown: str, compared: str, value: float | None, against: float | None, note: str
    ) -> None:
        """A row that informs, with its ratio to `against`, and no target."""
        res.rows.append(
            Row(f"{name}, {lat}", shown, compared, fmt_ratio(value, against)[0], note, "—")
        )

    fcpu = median([s.cpu_s for s in samples["full_cold"]])
    floor_cpu = None if floor is None else floor * res.raw["cpu_floor"]["cores"]
    info_row(
        "CPU time of the full-text fetch",
        fmt_s(fcpu),
        f"floor CPU {fmt_s(floor_cpu)}",
        fcpu,
        floor_cpu,
        "(info: where the time goes)",
    )
    for kind, label in (("full_cold", "full-text"), ("feeds_cold", "feeds-only")):
        # The fetch's own process (HTTP, store, search index, handing work to the pool) runs
        # on one core: it is the part of a cold fetch that more workers cannot spread.
        main = median([s.main_cpu_s for s in samples[kind]])
        whole = median([s.cpu_s for s in samples[kind]])
        info_row(
            f"CPU of the fetch's main process, {label}",
            fmt_s(main),
            f"whole fetch {fmt_s(whole)}",
            main,
            whole,
            "(info: the serial part)",
        )
    peak = median([s.tree_peak_mb for s in samples["full_cold"]])
    single = median([s.maxrss_mb for s in samples["full_cold"]])
    res.rows.append(
        Row(
            f"fetch peak memory, full text, {lat}",
            f"{peak:.0f} MB" if peak is not None else "n/a",
            f"largest process {single:.0f} MB" if single is not None else "n/a",
            "",
            "< 400 MB" if at_target or len(opts.latencies) == 1 else "(info)",
            verdict(
                peak < 400 if peak is not None and (at_target or len(opts.latencies) == 1) else None
            ),
        )
    )
    fpeak = median([s.tree_peak_mb for s in samples["feeds_cold"]])
    npeak = median([s.tree_peak_mb for s in samples["nb_cold"]])
    info_row(
        "fetch peak memory, feeds only",
        f"{fpeak:.0f} MB" if fpeak is not None else "n/a",
        f"newsboat {npeak:.0f} MB" if npeak is not None else "newsboat n/a",
        fpeak,
        npeak,
        "(info)",
    )
    res.raw[f"fetch_{latency:g}ms"] = {
        key: [
            {
                "wall": s.wall,
                "cpu": s.cpu_s,
                "main_cpu": s.main_cpu_s,
                "tree_peak_mb": s.tree_peak_mb,
                "maxrss_mb": s.maxrss_mb,
            }
            for s in runs
        ]
        for key, runs in samples.items()
    } | {"checks": checks}
    res.notes.extend(_fetch_sanity(latency, corpus, checks))


def _fetch_sanity(latency: float, corpus: Corpus, checks: dict[str, Any]) -> list[str]:
    """One line per latency: what the runs actually did, so a broken run cannot pass unseen."""
    n_feeds = len(corpus.sites)
    n_items = sum(len(s.items) for s in corpus.sites)
    n_pages = len(corpus.pages_needing_extraction())
    notes = []

    def first(key: str) -> dict[str, Any]:
        return dict(checks.get(key, [{}])[-1])

    fc, full, warm = first("feeds_cold"), first("full_cold"), first("full_warm")
    parts = [f"{latency:g} ms, last run:"]
    for name, chk in (("feeds-only cold", fc), ("full-text cold", full), ("warm", warm)):
        s = chk.get("summary", {})
        srv = chk.get("server", {}).get("requests", {})
        parts.append(
            f"{name}: {s.get('ok', '?')} ok / {s.get('not_modified', '?')} 304 / "
            f"{s.get('failed', '?')} failed, {s.get('new_entries', '?')} new, "
            f"{s.get('extracted', '?')} extracted; server feed 200/304 = "
            f"{srv.get('feed:200', 0)}/{srv.get('feed:304', 0)}, pages {srv.get('page:200', 0)}, "
            f"404 {srv.get('other:404', 0)}, max conns/host "
            f"{chk.get('server', {}).get('max_conns_per_host', '?')}, max requests in flight "
            f"{chk.get('server', {}).get('max_inflight_all_hosts', '?')};"
        )
    if "nb_cold" in checks:
        nb_srv = first("nb_cold").get("server", {}).get("requests", {})
        nbw_srv = first("nb_warm").get("server", {}).get("requests", {})
        parts.append(
            f"newsboat cold: {checks.get('nb_items', ['?'])[-1]} items cached, feed 200 "
            f"{nb_srv.get('feed:200', 0)}; warm: feed 200/304 = {nbw_srv.get('feed:200', 0)}/"
            f"{nbw_srv.get('feed:304', 0)}."
        )
    runner = full.get("runner_cpu_s")
    if runner is not None:
        parts.append(
            f"The server and the memory sampler used {runner:.1f} s CPU during the full-text fetch."
        )
    parts.append(f"(corpus: {n_feeds} feeds, {n_items} items, {n_pages} pages to extract)")
    notes.append(" ".join(parts))
    return notes


# -- the CPU floor and extraction speed -------------------------------------------------------


def cpu_seconds(fn: Callable[[], object]) -> float:
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def _extract_all(trafilatura: Any, pages: list[tuple[str, str]]) -> None:
    for html, url in pages:
        trafilatura.extract(html, url=url)


def bench_cpu_floor(corpus: Corpus, res: Results) -> None:
    import feedparser
    import trafilatura

    feeds = [corpus.feed_bytes(s) for s in corpus.sites]
    items = corpus.pages_needing_extraction()
    if items:  # imports, caches
        trafilatura.extract(corpus.page_bytes(*items[0]).decode("utf-8"), url=items[0][1].url)
    if feeds:
        feedparser.parse(feeds[0])
    gc.collect()
    parse_cpu = cpu_seconds(lambda: [feedparser.parse(b) for b in feeds])
    extract_cpu = 0.0
    for i in range(0, len(items), 100):  # 100 pages decompressed at a time, outside the timing
        chunk = [(corpus.page_bytes(s, it).decode("utf-8"), it.url) for s, it in items[i : i + 100]]
        extract_cpu += cpu_seconds(functools.partial(_extract_all, trafilatura, chunk))
    pages = items
    n = cores()
    res.raw["cpu_floor"] = {
        "feedparser_cpu_s": parse_cpu,
        "trafilatura_cpu_s": extract_cpu,
        "pages": len(pages),
        "feeds": len(feeds),
        "cores": n,
        "floor_s": (parse_cpu + extract_cpu) / n,
    }
    res.notes.append(
        f"CPU floor: feedparser {parse_cpu:.2f} s CPU over {len(feeds)} feeds "
        f"({1000 * parse_cpu / max(1, sum(len(s.items) for s in corpus.sites)):.2f} ms/item) + "
        f"trafilatura {extract_cpu:.2f} s CPU over {len(pages)} pages "
        f"({1000 * extract_cpu / max(1, len(pages)):.1f} ms/page), / {n} cores."
    )


def bench_extract_speed(opts: Options, corpus: Corpus, res: Results) -> None:
    import trafilatura

    pages = [
        (corpus.page_bytes(s, it).decode("utf-8"), it.url)
        for s, it in corpus.pages_needing_extraction()[: opts.extract_sample]
    ]
    if not pages:
        return
    try:
        from tui_reader.extract import extract_article, load_rules

        rules = load_rules()
    except ImportError as exc:
        res.rows.append(
            Row("extraction, pages/s (1 core)", "n/a", "", "", "≥ 0.9x trafilatura", "—")
        )
        res.notes.append(f"extraction: tui_reader.extract not importable ({exc}).")
        return
    extract_article(pages[0][0], pages[0][1], rules=rules)
    trafilatura.extract(pages[0][0], url=pages[0][1])
    ours, bare = [], []
    for _ in range(max(1, opts.runs)):
        gc.collect()
        t = cpu_seconds(lambda: [extract_article(h, u, rules=rules) for h, u in pages])
        ours.append(len(pages) / t)
        gc.collect()
        t = cpu_seconds(lambda: [trafilatura.extract(h, url=u) for h, u in pages])
        bare.append(len(pages) / t)
    o, b = median(ours), median(bare)
    text, r = fmt_ratio(o, b)
    res.rows.append(
        Row(
            "extraction, pages/s (1 core, CPU time)",
            f"{o:.0f}/s" if o else "n/a",
            f"trafilatura {b:.0f}/s" if b else "n/a",
            text,
            "≥ 0.9x trafilatura",
            verdict(r >= 0.9 if r is not None else None),
        )
    )
    res.raw["extract_speed"] = {"pages": len(pages), "ours_pps": ours, "trafilatura_pps": bare}
    if not opts.quick:
        _extract_speed_script(opts, res)


def _extract_speed_script(opts: Options, res: Results) -> None:
    """The extraction engineer's bench/extract_speed.py on real pages, when it and its eval
    corpora are there: one more row, parsed from its table."""
    script = BENCH / "extract_speed.py"
    eval_dir = ROOT.parent / "shared" / "eval"
    corpora = [
        c for c in ("zyte-dev", "translated-dev") if (eval_dir / c / "ground-truth.json").exists()
    ]
    if not script.exists() or not corpora:
        res.notes.append(
            "bench/extract_speed.py (real pages) not run: "
            + (
                "the script is absent."
                if not script.exists()
                else f"no eval corpora under {eval_dir}."
            )
        )
        return
    run = run_measured(
        [sys.executable, str(script), "--runs", str(max(3, opts.runs)), *corpora], clean_env(), 1800
    )
    rates: dict[str, float] = {}
    pages = ""
    for line in run.stdout.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3:  # | system | pages/s | ... (later columns vary)
            with contextlib.suppress(ValueError):
                rates[cells[0]] = float(cells[1])
        if " pages (" in line:
            pages = line.split(" pages", 1)[0]
    ours = rates.get("tui-reader extract_article")
    bare = rates.get("trafilatura.extract (defaults)")
    if ours is None or bare is None:
        res.notes.append(
            f"bench/extract_speed.py gave no table ({run.rc}): {run.stderr.strip()[-300:]}"
        )
        return
    text, r = fmt_ratio(ours, bare)
    res.rows.append(
        Row(
            f"extraction, pages/s, {pages} real pages (extract_speed.py, wall)",
            f"{ours:.0f}/s",
            f"trafilatura {bare:.0f}/s",
            text,
            "≥ 0.9x trafilatura",
            verdict(r >= 0.9 if r is not None else None),
        )
    )


# -- the reader ---------------------------------------------------------------------------------


def build_reader_store(base: Path, n_entries: int, n_feeds: int, seed: int) -> Path:
    """A store of `n_entries` entries over `n_feeds` feeds, written with Store.add_entries."""
    import random

    from bench.corpus import COMPANIES, PRODUCTS, TAILS, VERBS
    from tui_reader.models import Entry
    from tui_reader.store import open_store

    rng = random.Random(f"reader:{seed}:{n_entries}")
    feeds = [(f"http://{site_address(i)}:9/feed/", f"Sitio {i}") for i in range(n_feeds)]
    cfg = write_tui_config(base / "config.toml", base, feeds)
    now = datetime.now(UTC)
    store = open_store(base / "data", base / "cache")
    try:
        per_feed = -(-n_entries // n_feeds)
        k = 0
        for f, (url, title) in enumerate(feeds):
            batch = []
            for j in range(per_feed):
                if k >= n_entries:
                    break
                headline = (
                    f"e{k:06d} · {rng.choice(COMPANIES)} {rng.choice(VERBS)} "
                    f"{rng.choice(PRODUCTS)}: {rng.choice(TAILS)}"
                )
                link = f"http://{site_address(f)}:9/2025/01/noticia-{k}/"
                batch.append(
                    Entry(
                        id=f"{k:08x}{f:04x}",
                        url=link,
                        title=headline,
                        feeds=(url,),
                        published=now - timedelta(minutes=k * 3 + j),
                        author="Redacción",
                        site=title,
                        summary="Resumen de la noticia. " * 4,
                        language="es",
                    )
                )
                k += 1
            store.add_entries(url, batch, {})
    finally:
        store.close()
    return cfg


def bench_reader(opts: Options, work: Path, res: Results) -> None:
    env = clean_env(TERM="xterm-256color", COLORTERM="truecolor")
    for key in ("TEXTUAL", "TEXTUAL_DEVTOOLS", "TEXTUAL_DEBUG"):
        env.pop(key, None)
    tui = tui_reader_cmd()
    minimal = [sys.executable, str(BENCH / "minimal_app.py"), str(opts.size[1])]
    need = 3
    n_feeds = max(1, min(opts.feeds, 200))
    for n in opts.entries:
        base = work / f"reader-{n}"
        t0 = time.perf_counter()
        cfg = build_reader_store(base, n, n_feeds, opts.seed)
        res.notes.append(
            f"reader store of {n} entries written in {time.perf_counter() - t0:.1f} s."
        )
        reader_s, minimal_s, hwm, min_hwm = [], [], [], []
        failures = []
        for _ in range(opts.runs):
            m = run_under_pty(minimal, env, size=opts.size, need_rows=need)
            if m.ready_s is not None:
                minimal_s.append(m.ready_s)
                min_hwm.append(m.hwm_mb)
            r = run_under_pty([*tui, "--config", str(cfg)], env, size=opts.size, need_rows=need)
            if r.ready_s is not None:
                reader_s.append(r.ready_s)
                hwm.append(r.hwm_mb)
            else:
                failures.append(r.tail[-300:])
        if failures:
            res.notes.append(
                f"reader with {n} entries never showed rows in {len(failures)} run(s); "
                f"terminal tail: {failures[0]!r}"
            )
        rs, ms = median(reader_s), median(minimal_s)
        text, _ = fmt_ratio(rs, ms)
        diff = None if rs is None or ms is None else rs - ms
        res.rows.append(
            Row(
                f"reader start-up to rows, {n:,} entries",
                fmt_s(rs),
                f"minimal app {fmt_s(ms)}",
                text + ("" if diff is None else f" (+{diff:.2f} s)"),
                "≤ minimal + 0.5 s",
                verdict(diff <= 0.5 if diff is not None else None),
            )
        )
        peak, mpeak = median(hwm), median(min_hwm)
        text, _ = fmt_ratio(peak, mpeak)
        res.rows.append(
            Row(
                f"reader peak RSS, {n:,} entries",
                f"{peak:.0f} MB" if peak is not None else "n/a",
                f"minimal app {mpeak:.0f} MB" if mpeak is not None else "n/a",
                text,
                "< 300 MB",
                verdict(peak < 300 if peak is not None else None),
            )
        )
        # keypress -> frame, via Pilot in a subprocess of its own
        samples: list[float] = []
        missed = 0
        for _ in range(opts.runs):
            run = run_measured(
                [sys.executable, str(BENCH / "reader_probe.py"), "--config", str(cfg),
                 "--keys", str(opts.keys), "--size", f"{opts.size[0]}x{opts.size[1]}"],
                clean_env(),
                timeout=300,
            )  # fmt: skip
            try:
                data = json.loads(run.stdout.strip().splitlines()[-1])
            except (ValueError, IndexError):
                res.notes.append(f"reader_probe failed ({run.rc}): {run.stderr.strip()[-400:]}")
                continue
            samples.extend(data["samples_ms"])
            missed += data["missed"]
        p50, p95 = percentile(samples, 0.5), percentile(samples, 0.95)
        res.rows.append(
            Row(
                f"cursor move, key to frame, {n:,} entries",
                "n/a" if p95 is None or p50 is None else f"p50 {p50:.1f} ms, p95 {p95:.1f} ms",
                f"{len(samples)} presses" + (f", {missed} without a frame" if missed else ""),
                "",
                "p95 < 50 ms",
                verdict(p95 < 50 if p95 is not None else None),
            )
        )
        res.raw[f"reader_{n}"] = {
            "startup_s": reader_s,
            "minimal_s": minimal_s,
            "hwm_mb": hwm,
            "minimal_hwm_mb": min_hwm,
            "keys_ms": samples,
            "keys_missed": missed,
        }
        shutil.rmtree(base, ignore_errors=True)


# -- main ---------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> tuple[Options, list[str]]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--quick", action="store_true", help="5 feeds x 4 items, 1 run, 0 ms")
    ap.add_argument("--feeds", type=int)
    ap.add_argument("--items", type=int)
    ap.add_argument("--full-share", type=float, default=0.5)
    ap.add_argument("--latency", help="added latencies in ms, comma-separated (default 0,50)")
    ap.add_argument("--jitter", type=float, default=0.2, help="jitter as a share of latency")
    ap.add_argument("--runs", type=int)
    ap.add_argument("--entries", help="reader store sizes, comma-separated (default 10000,50000)")
    ap.add_argument("--keys", type=int, help="cursor moves per probe (default 200)")
    ap.add_argument("--extract-sample", type=int, help="pages for the extraction row (default 200)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--size", default="120x40", help="terminal size for the reader, COLSxROWS")
    ap.add_argument("--no-newsboat", action="store_true")
    ap.add_argument(
        "--only",
        default="fetch,extract,reader",
        help="comma-separated subset of fetch, extract, reader",
    )
    ap.add_argument("--json", type=Path, help="also write every sample here")
    args = ap.parse_args(argv)
    q = args.quick
    cols, rows = (int(v) for v in args.size.split("x"))
    opts = Options(
        feeds=args.feeds or (5 if q else 200),
        items=args.items or (4 if q else 25),
        full_share=args.full_share,
        latencies=[float(v) for v in (args.latency or ("0" if q else "0,50")).split(",")],
        jitter_share=args.jitter,
        runs=args.runs or (1 if q else 3),
        entries=[int(v) for v in (args.entries or ("300" if q else "10000,50000")).split(",")],
        keys=args.keys or (10 if q else 200),
        extract_sample=args.extract_sample or (10 if q else 200),
        seed=args.seed,
        size=(cols, rows),
        newsboat=not args.no_newsboat,
        quick=q,
        only={s.strip() for s in args.only.split(",") if s.strip()},
        json_out=args.json,
    )
    return opts, list(sys.argv if argv is None else ["bench/run.py", *argv])


def render(
    opts: Options, res: Results, command: str, started: float, load: tuple[float, ...]
) -> str:
    v = versions()
    end_load = os.getloadavg()
    lines = [
        "## tui-reader benchmarks",
        "",
        f"- command: `{command}`",
        f"- machine: {cores()} cores ({os.cpu_count()} online), {cpu_model()}, "
        f"{platform.system()} {platform.release()}",
        # The end figure counts the benchmark's own last minute: only the start says whether
        # other work was sharing the cores.
        f"- load average at start {load[0]:.2f}, at end {end_load[0]:.2f} "
        + (
            "(**the machine was loaded: other work shared the cores**)"
            if load[0] > 0.5 * cores()
            else "(idle machine at the start; the end includes the benchmark's own work)"
        ),
        "- versions: " + ", ".join(f"{k} {val}" for k, val in v.items()),
        f"- corpus: {opts.feeds} feeds x {opts.items} items, {opts.full_share:.0%} with full content, "
        f"seed {opts.seed}; latency {', '.join(f'{x:g}' for x in opts.latencies)} ms "
        f"(+-{opts.jitter_share:.0%} jitter); {opts.runs} run(s) each, medians; "
        f"reader at {opts.size[0]}x{opts.size[1]}",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, took {time.perf_counter() - started:.0f} s",
        "",
        "| benchmark | tui-reader | comparison | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for row in res.rows:
        lines.append(
            f"| {row.name} | {row.value} | {row.comparison} | {row.ratio or '—'} | "
            f"{row.target} | {row.met} |"
        )
    if res.notes:
        lines += ["", "Notes:", ""]
        lines += [f"- {n}" for n in res.notes]
    return "\n".join(lines)


@contextlib.contextmanager
def serving(opts: Options, max_seconds: float) -> Iterator[tuple[Corpus, BenchServer]]:
    addresses = [site_address(i) for i in range(opts.feeds)]
    server = BenchServer(addresses, max_seconds=max_seconds, seed=opts.seed)
    corpus = Corpus(
        opts.feeds, opts.items, full_share=opts.full_share, seed=opts.seed, port=server.port
    )
    corpus.prebuild_pages()
    server.source = corpus
    with server:
        yield corpus, server


def main(argv: Sequence[str] | None = None) -> int:
    opts, full_argv = parse_args(argv)
    command = " ".join(shlex.quote(a) for a in [".venv/bin/python", *full_argv])
    started = time.perf_counter()
    load = os.getloadavg()
    res = Results()
    max_seconds = 600.0 if opts.quick else 3 * 3600.0
    with tempfile.TemporaryDirectory(prefix="tui-bench-") as tmp:
        work = Path(tmp)
        if {"fetch", "extract"} & opts.only:
            with serving(opts, max_seconds) as (corpus, server):
                print(
                    f"bench: {opts.feeds} sites on {site_address(0)}.."
                    f"{site_address(opts.feeds - 1)}, port {server.port}",
                    file=sys.stderr,
                )
                if "fetch" in opts.only:
                    print("bench: CPU floor", file=sys.stderr)
                    bench_cpu_floor(corpus, res)
                    print("bench: fetch", file=sys.stderr)
                    bench_fetch(opts, corpus, server, work, res)
                if "extract" in opts.only:
                    print("bench: extraction", file=sys.stderr)
                    bench_extract_speed(opts, corpus, res)
        if "reader" in opts.only:
            print("bench: reader", file=sys.stderr)
            bench_reader(opts, work, res)
    table = render(opts, res, command, started, load)
    print(table)
    if opts.json_out:
        opts.json_out.write_text(json.dumps({"table": table, "raw": res.raw}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
