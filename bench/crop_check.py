"""The site crop (`extract.crop`) against whole-page extraction, page by page, same output?

    .venv/bin/python bench/crop_check.py                      # the fetch bench's generated corpus
    .venv/bin/python bench/crop_check.py --eval-dir tests/data/unseen-news
    .venv/bin/python bench/crop_check.py --eval-dir ../shared/eval/zyte-dev

Each page is extracted twice: whole (what `extract` does), and with its host's `SiteCrop` in the
order a fetch meets them (what a page worker does).  Printed: pages, how many articles are the
same, how many were cut to the learnt container, how many checks against the whole page failed,
and the CPU per page of each way.  A corpus in shared/eval's format is grouped by the host of its
ground truth's `url`; pages are `html/<id>.html(.gz)`.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tui_reader.extract import extract_article, load_rules  # noqa: E402
from tui_reader.extract.crop import SiteCrop  # noqa: E402
from tui_reader.extract.pipeline import Trace  # noqa: E402


def generated_pages(feeds: int, items: int) -> list[tuple[str, str, str]]:
    from bench.corpus import Corpus

    corpus = Corpus(feeds, items, full_share=0.5, seed=1, port=8000)
    return [
        (corpus.page_bytes(site, item).decode(), item.url, str(site.index))
        for site, item in corpus.pages_needing_extraction()
    ]


def eval_pages(eval_dir: Path) -> list[tuple[str, str, str]]:
    truth = json.loads((eval_dir / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for doc_id, gold in sorted(truth.items()):
        for name in (f"{doc_id}.html.gz", f"{doc_id}.html"):
            path = eval_dir / "html" / name
            if path.exists():
                raw = path.read_bytes()
                html = (gzip.decompress(raw) if name.endswith(".gz") else raw).decode(
                    "utf-8", "replace"
                )
                url = gold.get("url") or f"http://{doc_id}.example/"
                pages.append((html, url, urlsplit(url).hostname or doc_id))
                break
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, help="a corpus in shared/eval's format")
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--items", type=int, default=25)
    args = parser.parse_args()
    pages = eval_pages(args.eval_dir) if args.eval_dir else generated_pages(args.feeds, args.items)
    rules = load_rules()
    for html, url, _ in pages[:5]:  # imports and lazy compiles paid before either is timed
        extract_article(html, url, rules=rules)
    start = time.process_time()
    whole = [extract_article(html, url, rules=rules) for html, url, _ in pages]
    whole_cpu = time.process_time() - start
    crops: dict[str, SiteCrop] = {}
    cut = 0
    start = time.process_time()
    cropped = []
    for html, url, host in pages:
        trace = Trace()
        crop = crops.setdefault(host, SiteCrop())
        cropped.append(extract_article(html, url, rules=rules, crop=crop, trace=trace))
        cut += any("given" in note for note in trace.notes if "site crop" in note)
    crop_cpu = time.process_time() - start
    same = sum(a == b for a, b in zip(whole, cropped, strict=True))
    failed = sum(c.checks_failed for c in crops.values())
    learnt = sum(1 for c in crops.values() if c.learnt)
    n = max(len(pages), 1)
    print(
        f"{len(pages)} pages of {len(crops)} sites: {same} articles the same, {cut} cut to the "
        f"container ({learnt} sites learnt one, {failed} checks failed); "
        f"whole {1000 * whole_cpu / n:.2f} ms a page, crop {1000 * crop_cpu / n:.2f} ms a page"
    )
    for (_html, url, _host), a, b in zip(pages, whole, cropped, strict=True):
        if a != b:
            print("  differs:", url)


if __name__ == "__main__":
    main()
