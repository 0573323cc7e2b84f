"""What finding a page's images costs the extraction: CPU seconds with and without the step.

    .venv/bin/python bench/page_images_cost.py [--eval-dir ../shared/eval] [--runs 5] [CORPUS...]

The same pages, in one process, alternating run by run (paired), on this process's CPU time
(`time.process_time`), which other jobs on a shared machine disturb much less than the wall clock.
"Without" replaces the step by one that returns the blocks as given; "in the step" is the CPU time
spent inside it, the figure the noisy totals cannot resolve.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.extract_speed import ROOT, _pages


def _cpu(pages: list[tuple[str, str]], rules: Any) -> float:
    from tui_reader.extract import extract_article

    c0 = time.process_time()
    for html, url in pages:
        extract_article(html, url, rules=rules)
    return time.process_time() - c0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--eval-dir", default=str(ROOT.parent / "shared" / "eval"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("corpora", nargs="*", default=["zyte-dev", "translated-dev"])
    args = ap.parse_args(argv)

    from tui_reader.extract import load_rules, page_images

    rules = load_rules()
    pages: list[tuple[str, str]] = []
    for name in args.corpora:
        pages += _pages(Path(args.eval_dir) / name)
    real = page_images.insert_page_images

    inside = [0.0]

    def skipped(root: Any, blocks: Any, base: str, moved: Any = None) -> Any:
        return blocks

    def timed(root: Any, blocks: Any, base: str, moved: Any = None) -> Any:
        c0 = time.process_time()
        try:
            return real(root, blocks, base, moved)
        finally:
            inside[0] += time.process_time() - c0

    _cpu(pages, rules)  # warm-up
    with_s: list[float] = []
    without_s: list[float] = []
    for _ in range(args.runs):
        page_images.insert_page_images = skipped
        without_s.append(_cpu(pages, rules))
        page_images.insert_page_images = timed
        with_s.append(_cpu(pages, rules))
    page_images.insert_page_images = real
    ratios = [w / o for w, o in zip(with_s, without_s, strict=True)]
    print(f"{len(pages)} pages ({', '.join(args.corpora)}), {args.runs} paired runs, CPU seconds")
    print(f"without images: {statistics.median(without_s):.3f} s (median)")
    print(f"with images:    {statistics.median(with_s):.3f} s (median)")
    step = inside[0] / args.runs
    print(f"in the step:    {step:.4f} s per run ({step / statistics.median(without_s):.1%})")
    print(
        f"with / without: {statistics.median(ratios):.3f}x "
        f"[{min(ratios):.3f}-{max(ratios):.3f}] per run"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
