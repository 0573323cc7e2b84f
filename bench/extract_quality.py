"""Extraction quality of tui-reader vs bare trafilatura on the dev corpora, as a markdown table.

    .venv/bin/python bench/extract_quality.py [--eval-dir ../shared/eval] [--corpus NAME ...]

For each corpus (default: translated-dev and zyte-dev) it runs `run_project.py` with
`tui-reader extract --format json` and with the bare-trafilatura baselines of
`bench/trafilatura_baseline.py` (its best setting, txt without comments; and XML with links and
formatting), scores each with `score.py`, and prints one table row per system and corpus:
F1, P, R, leak, quotes, links, docs/s (wall clock of one run, process start-up included).
Predictions are kept in bench/out/.

    .venv/bin/python bench/extract_quality.py --fixtures

scores the hand-written pages of tests/data/extract/variety instead (boxes, footers and promos
in markups, words and languages that translated-dev does not show; see checks.json there):
per set, the share of boilerplate strings left in the text (leak) and of content strings kept,
for tui-reader and for bare trafilatura.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

SYSTEMS = {
    "tui-reader": f"{BIN / 'tui-reader'} extract --format json",
    "trafilatura best (txt, no comments)": f"{sys.executable} {ROOT / 'bench' / 'trafilatura_baseline.py'} --mode best",
    "trafilatura XML + links + formatting": f"{sys.executable} {ROOT / 'bench' / 'trafilatura_baseline.py'} --mode xml",
}
_SUMMARY = re.compile(r"F1=(\S+) P=(\S+) R=(\S+) leak=(\S+) quotes=(\S+) links=(\S+) n=(\d+)")
_RATE = re.compile(r"= ([\d.]+) docs/s")


def _run(eval_dir: Path, corpus: str, name: str, cmd: str, out: Path) -> dict[str, str]:
    pred = out / f"{corpus}--{re.sub(r'[^a-z0-9]+', '-', name.lower())}.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(eval_dir / "run_project.py"),
            "--corpus",
            str(eval_dir / corpus),
            "--out",
            str(pred),
            "--cmd",
            cmd,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    rate = _RATE.search(proc.stdout)
    score = subprocess.run(
        [
            sys.executable,
            str(eval_dir / "score.py"),
            "--corpus",
            str(eval_dir / corpus),
            "--pred",
            str(pred),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    lines = score.stdout.strip().splitlines()
    m = _SUMMARY.search(lines[-1]) if lines else None
    if m is None:
        print(proc.stdout, proc.stderr, score.stdout, score.stderr, file=sys.stderr)
        return {"F1": "error"}
    keys = ("F1", "P", "R", "leak", "quotes", "links", "n")
    row = dict(zip(keys, m.groups(), strict=True))
    row["docs/s"] = rate.group(1) if rate else "?"
    return row


def _pct(value: str) -> str:
    try:
        return f"{float(value) * 100:.1f} %"
    except ValueError:
        return value


def _fixtures() -> int:
    import json

    import trafilatura

    from tui_reader.extract import extract_article
    from tui_reader.extract.clean import fold

    data = ROOT / "tests" / "data" / "extract" / "variety"
    checks = json.loads((data / "checks.json").read_text(encoding="utf-8"))
    systems: dict[str, Callable[[str, str], str | None]] = {
        "tui-reader": lambda h, u: extract_article(h, u).text,
        "trafilatura best (txt, no comments)": lambda h, u: trafilatura.extract(
            h, url=u, include_comments=False
        ),
        "trafilatura XML + links + formatting": lambda h, u: trafilatura.extract(
            h,
            url=u,
            include_comments=False,
            include_links=True,
            include_formatting=True,
            output_format="xml",
        ),
    }
    print("| set | pages | system | leak | content kept |")
    print("|---|---|---|---|---|")
    for wanted in ("A", "B"):
        pages = {k: v for k, v in checks.items() if not k.startswith("_") and v["set"] == wanted}
        for name, fn in systems.items():
            leaks = kept = n_bp = n_ct = 0
            for page, check in pages.items():
                html = (data / page).read_text(encoding="utf-8")
                text = fold(fn(html, check["url"]) or "")
                leaks += sum(1 for x in check["boilerplate"] if fold(x) in text)
                kept += sum(1 for x in check["content"] if fold(x) in text)
                n_bp += len(check["boilerplate"])
                n_ct += len(check["content"])
            print(
                f"| {wanted} | {len(pages)} | {name} | {leaks}/{n_bp} = {leaks / n_bp:.1%} | "
                f"{kept}/{n_ct} = {kept / n_ct:.1%} |"
            )
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--eval-dir", default=str(ROOT.parent / "shared" / "eval"))
    ap.add_argument("--corpus", action="append", help="corpus name (repeatable)")
    ap.add_argument("--fixtures", action="store_true", help="score tests/data/extract/variety")
    args = ap.parse_args(argv)
    if args.fixtures:
        return _fixtures()
    eval_dir = Path(args.eval_dir).resolve()
    corpora = args.corpus or ["translated-dev", "zyte-dev"]
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)

    print("| corpus | system | F1 | P | R | leak | quotes | links | docs/s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for corpus in corpora:
        for name, cmd in SYSTEMS.items():
            r = _run(eval_dir, corpus, name, cmd, out)
            print(
                f"| {corpus} (n={r.get('n', '?')}) | {name} | {r.get('F1')} | {r.get('P', '')} | "
                f"{r.get('R', '')} | {_pct(r.get('leak', ''))} | {r.get('quotes', '')} | "
                f"{r.get('links', '')} | {r.get('docs/s', '')} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
