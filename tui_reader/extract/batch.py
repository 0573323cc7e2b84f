"""Many pages at once: learn each site from the batch, as a fetch learns it from a feed.

A fetch counts a site's articles in its `SiteStats` and, at the end of each feed, extracts again
the articles those stats would clean further (`learnt_since`): a box label or footer that only
shows as chrome because the site repeats it.  `extract_pages` does the same over the pages it is
given, which come with no feed and often no URL: pages are grouped by the site they say they
belong to (their canonical / og:url host, their og:site_name; a page with neither stays alone),
each site's stats are counted over its pages with `update_site_stats`, and the pages those stats
would clean are extracted again with them.  A pure function of the pages: nothing is stored.
A single page, or a site with fewer pages than `rules.repetition.min_articles`, comes out as
`extract_article` alone gives it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from tui_reader.extract.clean import fold
from tui_reader.extract.repetition import SiteStats, learnt_since, update_site_stats
from tui_reader.extract.rules import Rules
from tui_reader.extract.shapes import url_site
from tui_reader.models import Article

if TYPE_CHECKING:
    from tui_reader.extract.pipeline import Trace

__all__ = ["extract_pages", "relearn_plan", "site_groups"]

# (page bytes or text, URL or "") -> extraction; `map` by default, or a process pool's map.
Mapper = Callable[[Callable[[Any], Any], Iterable[Any]], Iterator[Any]]
Result = tuple[Article, "Trace | None"]


def _claims(article: Article) -> list[str]:
    """What the page says about its site: its URL's site (the given URL, else its canonical or
    og:url) and its site name, as keys that cannot collide with each other."""
    keys = []
    site = url_site(article.url)
    if site:
        keys.append("site:" + site)
    name = fold(article.site_name).strip()
    if name:
        keys.append("name:" + name)
    return keys


def site_groups(articles: Sequence[Article]) -> list[int]:
    """A group number per article: pages that share a site or a site name are one site
    (union-find over the claims); a page with no claim is a group of its own."""
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    claims = [_claims(a) for a in articles]
    for keys in claims:
        for other in keys[1:]:
            parent[find(other)] = find(keys[0])
    numbers: dict[str, int] = {}
    groups = []
    for index, keys in enumerate(claims):
        if not keys:
            groups.append(-1 - index)  # alone
            continue
        groups.append(numbers.setdefault(find(keys[0]), len(numbers)))
    return groups


def relearn_plan(articles: Sequence[Article], rules: Rules) -> dict[int, SiteStats]:
    """The pages to extract again (by index), each with its site's stats over the whole batch.

    The stats count every page of the site that gave an article, in the given order, as the
    fetch counts a feed's articles (`update_site_stats`); a page is planned when those stats
    would remove text it kept (`learnt_since`, the test the fetch's end-of-feed step uses).
    """
    rep = rules.repetition
    groups = site_groups(articles)
    stats: dict[int, SiteStats] = {}
    for group, article in zip(groups, articles, strict=True):
        if group >= 0 and article.blocks:
            stats[group] = update_site_stats(stats.get(group), article, rep)
    plan: dict[int, SiteStats] = {}
    for index, (group, article) in enumerate(zip(groups, articles, strict=True)):
        site = stats.get(group)
        if site is not None and article.blocks and learnt_since(article, site, rules):
            plan[index] = site
    return plan


def _extract_one(job: tuple[str | bytes, str, Rules, SiteStats | None, bool]) -> Result:
    """One page (a module-level function: it is pickled by name to a pool's workers)."""
    from tui_reader.extract import extract_article
    from tui_reader.extract.pipeline import Trace

    data, url, rules, stats, explain = job
    trace = Trace() if explain else None
    article = extract_article(data, url, rules=rules, site_stats=stats, trace=trace)
    return article, trace


def extract_pages(
    pages: Sequence[tuple[str | bytes, str]],
    rules: Rules,
    *,
    explain: bool = False,
    mapper: Mapper = map,
) -> list[Result]:
    """Each page's article (and its trace when `explain`), in order, learnt from the batch.

    `pages`: (page, URL or "") pairs.  `mapper` runs the extractions (`map`, or a process
    pool's `map`): all pages once, then again only those the batch's site stats clean further.
    """
    first = list(mapper(_extract_one, [(d, u, rules, None, explain) for d, u in pages]))
    if len(pages) < max(2, rules.repetition.min_articles):
        return first
    plan = relearn_plan([article for article, _ in first], rules)
    if not plan:
        return first
    jobs = [(pages[i][0], pages[i][1], rules, stats, explain) for i, stats in plan.items()]
    for (index, stats), again in zip(plan.items(), mapper(_extract_one, jobs), strict=True):
        article, trace = again
        if article.blocks:
            if trace is not None:
                trace.notes.append(
                    f"extracted again with what {stats.articles} pages of its site here repeat"
                )
            first[index] = again
    return first
