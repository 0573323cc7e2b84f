"""What each block rule is worth on each half of a corpus: a rule that helps one half and hurts
the other is tuned to pages, not general.

    .venv/bin/python bench/rule_ablation.py [--corpus DIR ...] [--eval-dir ../shared/eval]

Each page is extracted once (page by page, with its gold URL). For each family of block rules
(`structure:label-link`, `marker`, `follow` ...), the prediction "without that family" is the
text with what it removed put back (after the text: the 4-token shingles of the Zyte metric hardly
depend on where), and the paired difference with/without is scored on two halves of the corpus:
pages whose sha256(id) has an even or an odd second hex digit (zyte-dev's ids are the dev half of
the benchmark because their sha256 starts with 0-7; the second digit splits them again). Positive
= the rule helps. Selector rules are left out: they act before trafilatura, which drops much of
what they remove anyway, so putting their text back would overstate them. Default corpora:
zyte-dev, and the suites of `bench/other_suites.py` when built in /tmp/other-suites.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _score_module(eval_dir: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_score", eval_dir / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no score.py in {eval_dir}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def family(rule: str) -> str:
    head, _, rest = rule.partition(":")
    if head in ("structure", "site"):
        return f"{head}:{rest.split(':')[0]}"
    return head


def half(doc_id: str) -> str:
    return "even" if int(hashlib.sha256(doc_id.encode()).hexdigest()[1], 16) % 2 == 0 else "odd"


def extract_all(corpus: Path) -> dict[str, tuple[dict[str, Any], str, list[tuple[str, str]]]]:
    from tui_reader.extract import extract_article, load_rules

    rules = load_rules()
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    out = {}
    for doc_id, gold in sorted(truth.items()):
        raw = gzip.decompress((corpus / "html" / f"{doc_id}.html.gz").read_bytes())
        art = extract_article(raw, gold.get("url", ""), rules=rules)
        out[doc_id] = (gold, art.text, [(r.rule, r.text) for r in art.removed])
    return out


def ablate(
    score: ModuleType, pages: dict[str, tuple[dict[str, Any], str, list[tuple[str, str]]]]
) -> None:
    families = sorted(
        {family(rule) for _, _, rem in pages.values() for rule, _ in rem} - {"selector"}
    )
    halves: dict[str, list[str]] = defaultdict(list)
    for doc_id in pages:
        halves[half(doc_id)].append(doc_id)
    print("| rule family | pages it acts on (even / odd) | F1 it adds, even half | odd half |")
    print("|---|---|---|---|")
    for fam in families:
        cells = []
        acts = []
        for name in ("even", "odd"):
            ids = halves[name]
            with_rule = [score.score_doc(pages[i][0], {"text": pages[i][1]})["counts"] for i in ids]
            without = []
            n = 0
            for i in ids:
                gold, text, removed = pages[i]
                back = [t for rule, t in removed if family(rule) == fam]
                n += bool(back)
                without.append(score.score_doc(gold, {"text": "\n".join([text, *back])})["counts"])
            acts.append(str(n))
            ma, mb = score.metrics_from_counts(with_rule), score.metrics_from_counts(without)
            sd, _ = score.paired_bootstrap(with_rule, without, 1000, 0)["f1"]
            cells.append(f"{ma['f1'] - mb['f1']:+.4f} ± {sd:.4f}")
        print(f"| {fam} | {' / '.join(acts)} | {cells[0]} | {cells[1]} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    ap.add_argument("--corpus", type=Path, action="append")
    args = ap.parse_args()
    score = _score_module(args.eval_dir)
    corpora = args.corpus or [
        args.eval_dir / "zyte-dev",
        *(
            p
            for p in (
                Path(tempfile.gettempdir()) / "other-suites" / s for s in ("mozilla", "newspaper")
            )
            if (p / "ground-truth.json").is_file()
        ),
    ]
    for corpus in corpora:
        pages = extract_all(corpus)
        sizes: dict[str, int] = defaultdict(int)
        for doc_id in pages:
            sizes[half(doc_id)] += 1
        print(f"\n### {corpus.name} ({sizes['even']} + {sizes['odd']} pages)\n")
        ablate(score, pages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
