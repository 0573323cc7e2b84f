"""Article -> text, markdown or the JSON record of the eval contract; and the --explain report."""

from __future__ import annotations

import json
from typing import Any

from tui_reader.models import Article


def json_record(source: str, article: Article | None) -> dict[str, Any]:
    """One record of the eval contract (README of shared/eval)."""
    if article is None:
        return {
            "source": source,
            "title": None,
            "text": "",
            "blocks": [],
            "links": [],
            "language": "",
        }
    return {
        "source": source,
        "title": article.title or None,
        "text": article.text,
        "blocks": [{"type": b.kind, "text": b.text} for b in article.blocks],
        "links": [{"text": lk.text, "href": lk.href} for lk in article.links],
        "language": article.language,
    }


def render_json(source: str, article: Article | None) -> str:
    return json.dumps(json_record(source, article), ensure_ascii=False)


def render_explain(article: Article, how: str, blocks_before: int, notes: list[str]) -> str:
    lines = ["", "--- explain ---", f"source: {article.source}; {how}"]
    lines.append(
        f"blocks: {blocks_before} found, {len(article.blocks)} kept; "
        f"{len(article.links)} links; {len(article.removed)} removals"
    )
    lines.extend(notes)
    if article.removed:
        lines.append("removed:")
        for r in article.removed:
            text = r.text.replace("\n", " ⏎ ")
            if len(text) > 160:
                text = text[:157] + "..."
            lines.append(f"  [{r.rule}] {text}")
    return "\n".join(lines)
