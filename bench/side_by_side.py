"""Two or more checkouts of tui-reader fetched side by side: the same corpus, server and runs.

    python bench/side_by_side.py old=/tmp/old new=. [--feeds 200] [--latency 50] [--runs 2]
        [--kinds feeds,full,warm]

Each NAME=DIR is a checkout, run as `python -P -m tui_reader` with PYTHONPATH=DIR by this venv's
interpreter (so the same dependencies). Runs alternate between the checkouts (old, new, old, new,
...), so a machine that gets busier part-way penalises both alike: on a shared machine one wall
time means little, the CPU time of the fetch's process tree and of its main process (sampled
from /proc, as `bench/run.py` does) and their ratios say more. Kinds: `feeds` (cold, --no-fulltext),
`full` (cold), `warm` (again on the full run's store: every feed answers 304). Prints one line per
run and the medians; the load average at the start and end says how shared the machine was.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import Corpus, site_address
from bench.run import ProcRun, clean_env, parse_fetch_json, run_measured, write_tui_config
from bench.server import BenchServer


def _line(name: str, kind: str, i: int, run: ProcRun) -> str:
    summary = parse_fetch_json(run.stdout)
    counts = " ".join(
        f"{k} {summary[k]}" for k in ("ok", "new_entries", "extracted") if k in summary
    )
    return (
        f"{name:10} {kind:5} run {i}: wall {run.wall:6.2f} s  CPU {run.cpu_s:6.2f} s  "
        f"main {run.main_cpu_s:6.2f} s  peak {run.tree_peak_mb:4.0f} MB  rc {run.rc}  {counts}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("checkouts", nargs="+", help="NAME=DIR")
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--items", type=int, default=25)
    ap.add_argument("--latency", type=float, default=50.0, help="ms added to every response")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--kinds", default="feeds,full,warm")
    args = ap.parse_args(argv)
    checkouts = [(name, str(Path(path).resolve())) for name, path in
                 (spec.split("=", 1) for spec in args.checkouts)]  # fmt: skip
    kinds = args.kinds.split(",")
    server = BenchServer([site_address(i) for i in range(args.feeds)], max_seconds=3 * 3600)
    corpus = Corpus(args.feeds, args.items, full_share=0.5, seed=1, port=server.port)
    corpus.prebuild_pages()
    server.source = corpus
    feeds = [(site.feed_url, site.name) for site in corpus.sites]
    samples: dict[tuple[str, str], list[ProcRun]] = {}
    print(f"load average at the start: {os.getloadavg()[0]:.2f}", flush=True)
    with server, tempfile.TemporaryDirectory(prefix="tui-sbs-") as tmp:
        # `python -m` puts the working directory first on sys.path, before PYTHONPATH: run from
        # a checkout, every NAME would run that checkout. From an empty directory, each its own.
        os.chdir(tmp)
        server.set_latency(args.latency, args.latency * 0.2)
        for i in range(args.runs):
            for name, path in checkouts:
                env = clean_env(PYTHONPATH=path)
                for kind in (k for k in kinds if k in ("feeds", "full")):
                    base = Path(tmp) / f"{name}-{kind}-{i}"
                    cfg = write_tui_config(base.with_suffix(".toml"), base, feeds)
                    # -P: `-m` would put the working directory first on sys.path, and a run
                    # from inside a checkout would measure that checkout under every name.
                    cmd = [sys.executable, "-P", "-m", "tui_reader", "--config", str(cfg), "fetch"]
                    cmd += ["--json"] + (["--no-fulltext"] if kind == "feeds" else [])
                    todo = [kind] + (["warm"] if kind == "full" and "warm" in kinds else [])
                    for step in todo:
                        server.reset_stats()
                        run = run_measured(cmd, env)
                        samples.setdefault((name, step), []).append(run)
                        print(_line(name, step, i, run), flush=True)
                    shutil.rmtree(base, ignore_errors=True)
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    for kind in ("feeds", "full", "warm"):
        for name, _ in checkouts:
            runs = samples.get((name, kind), [])
            if not runs:
                continue
            wall = statistics.median(r.wall for r in runs)
            cpu = statistics.median(r.cpu_s for r in runs)
            main_cpu = statistics.median(r.main_cpu_s for r in runs)
            print(
                f"median {kind:5} {name:10} wall {wall:6.2f} s  CPU {cpu:6.2f} s  "
                f"main {main_cpu:6.2f} s  ({len(runs)} runs)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
