"""Bare trafilatura under the eval command contract, for `bench/extract_quality.py`.

    python bench/trafilatura_baseline.py [--mode best|precision|xml] FILE...

`best` is trafilatura's best setting on zyte-dev per shared/eval/README.md: txt output with
`include_comments=False` (no blocks, no links); `precision` the same with `favor_precision=True`.  `xml` is XML output with links and formatting,
turned into blocks and links the simple way (adjacent links glued, as trafilatura leaves them).
"""

from __future__ import annotations

import argparse
import json
import sys

import trafilatura
from lxml import etree

_KINDS = {"p": "paragraph", "head": "heading", "list": "list", "quote": "quote", "code": "code"}


def _xml_record(html: str) -> tuple[str, list[dict[str, str]], list[dict[str, str]], str | None]:
    xml = trafilatura.extract(
        html,
        output_format="xml",
        include_comments=False,
        include_links=True,
        include_formatting=True,
        with_metadata=True,
    )
    if not xml:
        return "", [], [], None
    doc = etree.fromstring(xml.encode("utf-8"))
    main = doc.find("main")
    blocks: list[dict[str, str]] = []
    links: list[dict[str, str]] = []
    for el in main if main is not None else []:
        text = "".join(el.itertext()).strip()
        if text:
            blocks.append({"type": _KINDS.get(el.tag, "paragraph"), "text": text})
        for ref in el.iter("ref"):
            links.append({"text": "".join(ref.itertext()).strip(), "href": ref.get("target", "")})
    return "\n".join(b["text"] for b in blocks), blocks, links, doc.get("title")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=("best", "precision", "xml"), default="best")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    for path in args.files:
        with open(path, encoding="utf-8", errors="replace") as fh:
            html = fh.read()
        rec: dict[str, object] = {
            "source": path,
            "text": "",
            "title": None,
            "blocks": [],
            "links": [],
        }
        try:
            if args.mode in ("best", "precision"):
                doc = trafilatura.bare_extraction(
                    html,
                    include_comments=False,
                    with_metadata=True,
                    favor_precision=args.mode == "precision",
                )
                if doc is not None:
                    rec["text"] = getattr(doc, "text", "") or ""
                    rec["title"] = getattr(doc, "title", None)
            else:
                text, blocks, links, title = _xml_record(html)
                rec.update(text=text, blocks=blocks, links=links, title=title)
        except Exception as err:  # one bad page must not stop the run
            print(f"{path}: {err}", file=sys.stderr)
        print(json.dumps(rec, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
