"""Every removal on real and written pages is checked: the snapshot of bench/removals_snapshot.py.

zyte-dev (real news pages) and translated-dev come from ../shared/eval and are skipped without
it; the unseen corpus is in the repository.  A failure lists the removals that changed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.removals_snapshot import OUT, removals  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
CORPORA = {
    "unseen-news": ROOT / "tests" / "data" / "unseen-news",
    "unseen-news-b": ROOT / "tests" / "data" / "unseen-news-b",
    "zyte-dev": EVAL / "zyte-dev",
    "translated-dev": EVAL / "translated-dev",
}


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_every_removal_is_the_one_checked(name: str) -> None:
    corpus = CORPORA[name]
    if not (corpus / "ground-truth.json").exists():
        pytest.skip(f"{corpus} is not here (../shared/eval is not checked out)")
    expected = json.loads((OUT / f"{name}.json").read_text(encoding="utf-8"))
    got = removals(corpus)
    changed = {
        doc: {"now": got.get(doc), "checked": expected.get(doc)}
        for doc in sorted(set(got) | set(expected))
        if got.get(doc) != expected.get(doc)
    }
    assert not changed, json.dumps(changed, ensure_ascii=False, indent=1)[:4000]


@pytest.mark.parametrize("name", ["unseen-news", "unseen-news-b"])
def test_no_removal_on_the_unseen_pages_is_article_text(name: str) -> None:
    """The written pages' gold text: no removal holds a line of it."""
    corpus = CORPORA[name]
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    snapshot = json.loads((OUT / f"{name}.json").read_text(encoding="utf-8"))
    for doc, removed in snapshot.items():
        gold = set(truth[doc]["articleBody"].split("\n"))
        for rule, text in removed:
            if rule != "structure:title":
                assert text not in gold, (doc, rule, text)
