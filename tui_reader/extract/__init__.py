"""Article extraction: trafilatura plus three layers of boilerplate removal, as pure functions.

Public API:

- `load_rules(user)` -> `Rules`: the shipped `config/boilerplate.toml` extended by the user's
  `[extract]` table.
- `extract_article(html, url, rules=..., site_stats=..., source=...)` -> `Article`: never raises.
- `SiteStats` / `update_site_stats(stats, article, rules.repetition)`: per-site repetition
  counts (layer c); `learnt_since(article, stats, rules)`: whether stats gathered after the
  article was extracted would remove some of its text (then extract it again).

This module stays light: trafilatura and lxml are imported only when an article is extracted.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Literal

from tui_reader.extract.repetition import SiteStats, learnt_since, update_site_stats
from tui_reader.extract.rules import Rules, SiteRules, load_rules
from tui_reader.models import Article

if TYPE_CHECKING:
    from tui_reader.extract.crop import SiteCrop
    from tui_reader.extract.pipeline import Trace

__all__ = [
    "Rules",
    "SiteRules",
    "SiteStats",
    "extract_article",
    "learnt_since",
    "load_rules",
    "update_site_stats",
]

LOG = logging.getLogger(__name__)


def extract_article(
    html: str | bytes,
    url: str,
    *,
    rules: Rules | None = None,
    site_stats: SiteStats | None = None,
    source: Literal["feed", "page"] = "page",
    trace: Trace | None = None,
    language: str = "",
    crop: SiteCrop | None = None,
) -> Article:
    """The article in `html` (a whole page, or a feed item's content when source="feed").

    `language` is the language a feed declares, used when the page itself states none.
    `crop` is one site's `extract.crop.SiteCrop`, kept by a caller that extracts many of its
    pages (the page workers): trafilatura is then given only where the article sits.

    Never raises: on any failure an Article with no blocks is returned.  No string of the
    result holds control characters, escape sequences or bidi overrides.
    """
    from tui_reader.extract.clean import clean_href

    try:
        from tui_reader.extract.pipeline import run

        return run(html, url, rules, site_stats, source, trace, language, crop)
    except Exception as err:
        LOG.debug("extraction failed for %r: %s", url, err, exc_info=True)
        try:
            safe_url = clean_href(url) if isinstance(url, str) else ""
        except Exception:
            safe_url = ""
        return Article(url=safe_url, source=source)
