"""Layer (c): blocks repeated across a site's articles (a signature, a newsletter plug ...).

`SiteStats` is small, picklable (it crosses to the extraction workers) and kept in the store as
JSON data (`to_data`/`from_data`): hashed normalised short blocks -> number of articles that
had them, plus the number of articles seen.  Only the standard library is used here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tui_reader.extract.clean import fold
from tui_reader.extract.rules import RepetitionRules, Rules
from tui_reader.extract.shapes import SHAPE_RULE, shape_label, shape_text, url_site
from tui_reader.models import Article, Block

MAX_KEYS = 4000  # bound on the number of hashes kept per site
_DEFAULTS = RepetitionRules()


@dataclass(frozen=True, slots=True)
class SiteStats:
    """Per-site counts: `counts[hash]` = articles that contained the block, `articles` = seen."""

    articles: int = 0
    counts: dict[int, int] = field(default_factory=dict)

    def to_data(self) -> dict[str, Any]:
        """As the store keeps it: the counts as [hash, count] pairs (JSON keys are strings)."""
        return {"articles": self.articles, "counts": [[k, v] for k, v in self.counts.items()]}

    @classmethod
    def from_data(cls, data: Any) -> SiteStats | None:
        """Stats read back from the store; None (relearned) for anything malformed."""
        try:
            return cls(int(data["articles"]), {int(k): int(v) for k, v in data["counts"]})
        except (TypeError, KeyError, ValueError):
            return None


def block_key(text: str) -> int:
    """A stable 64-bit key of a block's normalised text."""
    digest = hashlib.blake2b(fold(text).encode("utf-8", "replace"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _eligible(text: str, rep: RepetitionRules) -> bool:
    return rep.min_chars <= len(text) <= rep.max_chars


def update_site_stats(
    stats: SiteStats | None, article: Article, rep: RepetitionRules | None = None
) -> SiteStats:
    """The stats with one more article counted (a new value; `stats` is not changed).

    `rep`: the repetition rules the extraction uses (`rules.repetition`); None: the defaults.
    """
    stats = stats or SiteStats()
    rep = rep if rep is not None else _DEFAULTS
    keys: set[int] = set()
    for block in article.blocks:
        if block.kind != "code" and _eligible(block.text, rep):
            keys.add(block_key(block.text))
    for removal in article.removed:
        if removal.rule == "repeated" and _eligible(removal.text, rep):
            keys.add(block_key(removal.text))
        elif removal.rule.startswith(SHAPE_RULE):
            keys.add(block_key(shape_text(removal.rule[len(SHAPE_RULE) :])))
    keys.update(block_key(shape_text(label)) for label in article_shapes(article))
    counts = dict(stats.counts)
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    if len(counts) > MAX_KEYS:
        # forget the rarest blocks first (ties: the oldest insertion order goes first)
        keep = sorted(counts.items(), key=lambda kv: kv[1], reverse=True)[: MAX_KEYS * 3 // 4]
        counts = dict(keep)
    return SiteStats(articles=stats.articles + 1, counts=counts)


def article_shapes(article: Article) -> set[str]:
    """The shape labels of the article's kept lines (see `shapes.shape_label`)."""
    site = url_site(article.url)
    if not site:
        return set()
    hrefs = {lk.number: lk.href for lk in article.links}
    labels: set[str] = set()
    for block in article.blocks:
        if block.links and block.kind in ("paragraph", "list"):
            labels.update(_line_shapes(block, hrefs, site))
    return labels


def _line_shapes(block: Block, hrefs: dict[int, str], site: str) -> list[str]:
    found: list[str] = []
    start = 0
    for line in block.text.split("\n"):
        end = start + len(line)
        spans = [
            (lk.start - start, lk.end - start, hrefs.get(lk.number, ""))
            for lk in block.links
            if lk.start >= start and lk.end <= end
        ]
        label = shape_label(line, spans, site) if spans else None
        if label is not None:
            found.append(label)
        start = end + 1
    return found


def is_shape_repeated(stats: SiteStats | None, label: str, rep: RepetitionRules) -> bool:
    """Whether the site repeats lines of this shape (the same rule as `is_repeated`)."""
    if stats is None or stats.articles < rep.min_articles:
        return False
    seen = stats.counts.get(block_key(shape_text(label)), 0)
    return seen >= rep.min_articles and seen >= rep.min_share * stats.articles


def learnt_since(article: Article, stats: SiteStats | None, rules: Rules) -> bool:
    """Whether `stats` would remove text the article kept: a block the site repeats, or a line
    of a shape it repeats.  Cheap (no parsing): says which articles of a fetch to extract again
    once the fetch has counted the site's other articles.

    It asks what the `repeated` rule would do: a repeated block linking to another site (a
    credit line "Fuente: EFE") stays, and repeated blocks that are most of the article stay."""
    rep = rules.repetition
    if stats is None or stats.articles < rep.min_articles:
        return False
    if any(is_shape_repeated(stats, label, rep) for label in article_shapes(article)):
        return True
    site = url_site(article.url)
    hrefs = {lk.number: lk.href for lk in article.links}
    going = 0
    for b in article.blocks:
        if b.kind in ("code", "quote", "heading") or not is_repeated(stats, b.text, rep):
            continue
        if any(_credits_elsewhere(hrefs.get(lk.number, ""), site, rules) for lk in b.links):
            continue
        going += len(b.text)
    return 0 < going <= sum(len(b.text) for b in article.blocks) - going


def _credits_elsewhere(href: str, site: str, rules: Rules) -> bool:
    """A link the `repeated` rule keeps a block for: into another site, not a social network."""
    other = url_site(href)
    if not site or not other or other == site:
        return False
    host = (urlsplit(href).hostname or "").removeprefix("www.")
    social = host in rules.social_hosts or any(host.endswith("." + h) for h in rules.social_hosts)
    return not social and not any(p in href.lower() for p in rules.share_paths)


def is_repeated(stats: SiteStats | None, text: str, rep: RepetitionRules) -> bool:
    if stats is None or stats.articles < rep.min_articles or not _eligible(text, rep):
        return False
    seen = stats.counts.get(block_key(text), 0)
    return seen >= rep.min_articles and seen >= rep.min_share * stats.articles
