"""Layer (c): blocks repeated across a site's articles (a signature, a newsletter plug ...).

`SiteStats` is small and picklable: hashed normalised short blocks -> number of articles that
had them, plus the number of articles seen.  Only the standard library is used here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from tui_reader.extract.clean import fold
from tui_reader.models import Article

MAX_KEYS = 4000  # bound on the number of hashes kept per site
MIN_CHARS = 12
MAX_CHARS = 300


@dataclass(frozen=True, slots=True)
class SiteStats:
    """Per-site counts: `counts[hash]` = articles that contained the block, `articles` = seen."""

    articles: int = 0
    counts: dict[int, int] = field(default_factory=dict)

    def count(self, text: str) -> int:
        return self.counts.get(block_key(text), 0)


def block_key(text: str) -> int:
    """A stable 64-bit key of a block's normalised text."""
    digest = hashlib.blake2b(fold(text).encode("utf-8", "replace"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _eligible(text: str, min_chars: int = MIN_CHARS, max_chars: int = MAX_CHARS) -> bool:
    n = len(text)
    return min_chars <= n <= max_chars


def update_site_stats(stats: SiteStats | None, article: Article) -> SiteStats:
    """The stats with one more article counted (a new value; `stats` is not changed)."""
    stats = stats or SiteStats()
    keys: set[int] = set()
    for block in article.blocks:
        if block.kind != "code" and _eligible(block.text):
            keys.add(block_key(block.text))
    for removal in article.removed:
        if removal.rule == "repeated" and _eligible(removal.text):
            keys.add(block_key(removal.text))
    counts = dict(stats.counts)
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    if len(counts) > MAX_KEYS:
        # forget the rarest blocks first (ties: the oldest insertion order goes first)
        keep = sorted(counts.items(), key=lambda kv: kv[1], reverse=True)[: MAX_KEYS * 3 // 4]
        counts = dict(keep)
    return SiteStats(articles=stats.articles + 1, counts=counts)


def is_repeated(
    stats: SiteStats | None,
    text: str,
    *,
    min_articles: int = 3,
    min_share: float = 0.3,
    min_chars: int = MIN_CHARS,
    max_chars: int = MAX_CHARS,
) -> bool:
    if stats is None or stats.articles < min_articles or not _eligible(text, min_chars, max_chars):
        return False
    seen = stats.counts.get(block_key(text), 0)
    return seen >= min_articles and seen >= min_share * stats.articles
