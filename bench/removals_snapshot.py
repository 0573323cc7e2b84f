"""Writes the removals the extractor makes on each page of a corpus, for the regression test.

    .venv/bin/python bench/removals_snapshot.py [--eval-dir ../shared/eval]

For zyte-dev and translated-dev (real and dev pages, when the eval dir is there) and the unseen
corpora in tests/data/unseen-news and unseen-news-b: every removal of every page as [rule, first 100 characters],
in tests/data/extract/removals/<corpus>.json.  `tests/unit/test_extract_regression.py` fails when
a change adds, drops or renames one: read the diff, check each removal by eye, then rewrite.
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "extract" / "removals"
SNIPPET = 100


def removals(corpus: Path) -> dict[str, list[list[str]]]:
    from tui_reader.extract import extract_article, load_rules

    rules = load_rules()
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    out: dict[str, list[list[str]]] = {}
    for doc_id, meta in sorted(truth.items()):
        html = gzip.decompress((corpus / "html" / f"{doc_id}.html.gz").read_bytes())
        article = extract_article(html, meta.get("url", ""), rules=rules)
        out[doc_id] = [[r.rule, r.text[:SNIPPET]] for r in article.removed]
    return out


def corpora(eval_dir: Path) -> dict[str, Path]:
    found = {name: ROOT / "tests" / "data" / name for name in ("unseen-news", "unseen-news-b")}
    for name in ("zyte-dev", "translated-dev"):
        if (eval_dir / name / "ground-truth.json").exists():
            found[name] = eval_dir / name
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--eval-dir", default=str(ROOT.parent / "shared" / "eval"))
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    for name, path in corpora(Path(args.eval_dir)).items():
        got = removals(path)
        (OUT / f"{name}.json").write_text(
            json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
        print(f"{name}: {sum(len(v) for v in got.values())} removals on {len(got)} pages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
