"""Where `extract_article`'s CPU goes, stage by stage, beside bare `trafilatura.extract`.

    .venv/bin/python bench/extract_profile.py [--eval-dir ../shared/eval] [--runs 3]
        [--generated N] [CORPUS...]

Each stage function of the pipeline is wrapped with a CPU-time accumulator (`time.process_time`,
this process only: steadier than the wall clock on a shared machine), the pages are extracted
`--runs` times, alternating with bare `trafilatura.extract` (defaults) on the same pages, and the
table gives each stage's share of our time and its ms per page.  `--generated N` adds N pages of
`bench/run.py`'s generated corpus (its extraction row; alone unless corpora are named).  Nested stages are counted in their own
row only (a stage's time excludes the stages it calls).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.extract_speed import _pages  # noqa: E402

_STAGES = {
    "tui_reader.extract.pipeline": [
        "decode",
        "parse_page",
        "_shrink",
        "preclean",
        "_page_meta",
        "_trafilatura",
        "worth_the_full_path",
        "attach_attributions",
        "filter_blocks",
        "absolutize",
        "finish_blocks",
        "index_page",
    ],
    "tui_reader.extract.preclean": [
        "_class_and_id",
        "_carriers",
        "_site_chrome",
        "_find_sources",
        "_selector_hits",
        "repair_boxes_and_quotes",
        "_captions_to_paragraphs",
    ],
    "tui_reader.extract.convert": [],
    "tui_reader.extract.metadata": [
        "declared_language",
        "better_title",
        "checked_language",
        "published",
    ],
    "tui_reader.extract.page_images": ["insert_page_images"],
}


class _Clock:
    """Exclusive CPU time per stage: a stage's time minus the stages it calls."""

    def __init__(self) -> None:
        self.total: dict[str, float] = {}
        self._stack: list[list[float]] = []

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            frame = [time.process_time(), 0.0]
            self._stack.append(frame)
            try:
                return fn(*args, **kwargs)
            finally:
                self._stack.pop()
                spent = time.process_time() - frame[0]
                self.total[name] = self.total.get(name, 0.0) + spent - frame[1]
                if self._stack:
                    self._stack[-1][1] += spent

        return timed


def _instrument(clock: _Clock) -> None:
    import importlib

    from tui_reader.extract import convert, pipeline

    for modname, names in _STAGES.items():
        mod = importlib.import_module(modname)
        for name in names:
            target = pipeline if hasattr(pipeline, name) else mod
            if hasattr(target, name):  # older or newer code may not have every stage
                setattr(target, name, clock.wrap(name, getattr(target, name)))
    walker = convert.BlockWalker
    walker.walk = clock.wrap("BlockWalker.walk", walker.walk)  # type: ignore[method-assign]


def _generated(n: int) -> list[tuple[str, str]]:
    from bench.corpus import Corpus

    corpus = Corpus(200, 25, seed=1)
    return [
        (corpus.page_bytes(s, it).decode("utf-8"), it.url)
        for s, it in corpus.pages_needing_extraction()[:n]
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--eval-dir", default=str(ROOT.parent / "shared" / "eval"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--generated", type=int, default=0, help="pages of bench/run.py's corpus")
    ap.add_argument(
        "corpora", nargs="*", help="default: zyte-dev translated-dev, unless --generated"
    )
    args = ap.parse_args(argv)
    if not args.corpora and not args.generated:
        args.corpora = ["zyte-dev", "translated-dev"]

    import trafilatura

    from tui_reader.extract import extract_article, load_rules

    rules = load_rules()
    pages: list[tuple[str, str]] = []
    for name in args.corpora:
        pages += _pages(Path(args.eval_dir) / name)
    if args.generated:
        pages += _generated(args.generated)
    for html, url in pages:  # warm-up: imports, models, caches
        extract_article(html, url, rules=rules)
        trafilatura.extract(html, url=url)
    clock = _Clock()
    _instrument(clock)
    ours: list[float] = []
    bare: list[float] = []
    for _ in range(args.runs):
        c0 = time.process_time()
        for html, url in pages:
            extract_article(html, url, rules=rules)
        ours.append(time.process_time() - c0)
        c0 = time.process_time()
        for html, url in pages:
            trafilatura.extract(html, url=url)
        bare.append(time.process_time() - c0)
    n = len(pages) * args.runs
    total = sum(ours)
    print(f"{len(pages)} pages x {args.runs} runs, CPU time of this process\n")
    print("| stage | ms/page | share of ours |")
    print("|---|---|---|")
    rest = total - sum(clock.total.values())
    for name, spent in sorted(clock.total.items(), key=lambda kv: -kv[1]):
        print(f"| {name} | {1000 * spent / n:.2f} | {100 * spent / total:.1f} % |")
    print(f"| (everything else) | {1000 * rest / n:.2f} | {100 * rest / total:.1f} % |")
    ratios = [b / o for o, b in zip(ours, bare, strict=True)]
    print(
        f"\nours {1000 * total / n:.2f} ms/page, bare trafilatura.extract "
        f"{1000 * sum(bare) / n:.2f} ms/page; pages/s ratio ours / bare per run: "
        f"{statistics.median(ratios):.2f}x [{min(ratios):.2f}-{max(ratios):.2f}]"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
