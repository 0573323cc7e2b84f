"""Pages per second of `extract_article` vs bare `trafilatura.extract`, side by side.

    .venv/bin/python bench/extract_speed.py [--eval-dir ../shared/eval] [--runs 5] [CORPUS...]

Both run single-process over the same decompressed pages (str, as a fetcher would hand them
over), alternating run by run; the table shows the median of the runs and the ratio
ours / trafilatura (target >= 0.8).  The trafilatura rows: its defaults (`extract(html)`), and
`include_comments=False` (what we configure).  On a shared machine the wall clock moves with the
other jobs, so the ratio is also given per run (paired: the systems run back to back), as
median [min-max], on the wall clock and on this process's CPU time (`time.process_time`), which
other processes disturb much less.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pages(corpus: Path) -> list[tuple[str, str]]:
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    out = []
    for doc_id, meta in sorted(truth.items()):
        html = gzip.decompress((corpus / "html" / f"{doc_id}.html.gz").read_bytes())
        out.append((html.decode("utf-8", "replace"), meta.get("url", "")))
    return out


def _rate(fn: Callable[[str, str], object], pages: list[tuple[str, str]]) -> tuple[float, float]:
    """(pages per wall-clock second, pages per CPU second)."""
    t0, c0 = time.perf_counter(), time.process_time()
    for html, url in pages:
        fn(html, url)
    return len(pages) / (time.perf_counter() - t0), len(pages) / (time.process_time() - c0)


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f}x [{min(values):.2f}-{max(values):.2f}]"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--eval-dir", default=str(ROOT.parent / "shared" / "eval"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("corpora", nargs="*", default=["zyte-dev", "translated-dev"])
    args = ap.parse_args(argv)

    import trafilatura

    from tui_reader.extract import extract_article, load_rules

    rules = load_rules()
    pages: list[tuple[str, str]] = []
    for name in args.corpora:
        pages += _pages(Path(args.eval_dir) / name)

    systems: dict[str, Callable[[str, str], object]] = {
        "tui-reader extract_article": lambda h, u: extract_article(h, u, rules=rules),
        "trafilatura.extract (defaults)": lambda h, u: trafilatura.extract(h, url=u),
        "trafilatura.extract (comments off)": lambda h, u: trafilatura.extract(
            h, url=u, include_comments=False
        ),
    }
    for fn in systems.values():  # warm-up: imports, models (langid), caches
        for html, url in pages:
            fn(html, url)
    rates: dict[str, list[float]] = {name: [] for name in systems}
    cpu: dict[str, list[float]] = {name: [] for name in systems}
    for _ in range(args.runs):
        for name, fn in systems.items():
            wall, proc = _rate(fn, pages)
            rates[name].append(wall)
            cpu[name].append(proc)
    us = "tui-reader extract_article"
    med = {name: statistics.median(r) for name, r in rates.items()}
    print(
        f"{len(pages)} pages ({', '.join(args.corpora)}), median of {args.runs} runs, 1 process\n"
    )
    print("| system | pages/s | ours / this | per run, wall | per run, CPU |")
    print("|---|---|---|---|---|")
    for name, rate in med.items():
        wall_ratios = [o / t for o, t in zip(rates[us], rates[name], strict=True)]
        cpu_ratios = [o / t for o, t in zip(cpu[us], cpu[name], strict=True)]
        print(
            f"| {name} | {rate:.1f} | {med[us] / rate:.2f}x | {_spread(wall_ratios)} "
            f"| {_spread(cpu_ratios)} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
