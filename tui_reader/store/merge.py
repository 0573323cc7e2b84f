"""One story from several feeds: how a new arrival merges with the entry already stored.

The story's own site decides, whichever feed came first: an `own` entry's title, date, author
and labels replace an aggregator's, and an aggregator's article never replaces one from the own
site (nor a summary a whole article).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from tui_reader.models import Article, Entry


@dataclass
class Merged:
    """What `Store.merge_entries` stored: how many entries are new, each entry as stored
    (merged with what was there), and the ids whose given article was not kept."""

    new: int = 0
    entries: dict[str, Entry] = field(default_factory=dict)
    rejected: set[str] = field(default_factory=set)


def merged_entry(old: Entry, new: Entry) -> Entry:
    """`old` with `new`'s feeds and aggregator links; with its metadata too if `new` is the
    story's own site and `old` was not (its date only if not later than the first storing: an
    undated item, dated "now" by the fetch, must not jump)."""
    merged = replace(
        old,
        feeds=tuple(dict.fromkeys(old.feeds + new.feeds)),
        via=tuple(dict.fromkeys(old.via + new.via)),
        has_article=old.has_article or new.has_article,
        original=old.original or new.original,
    )
    if not new.own or old.own:
        return merged
    return replace(
        merged,
        url=new.url,
        title=new.title or old.title,
        published=new.published if new.published <= old.fetched else old.published,
        author=new.author or old.author,
        site=new.site or old.site,
        summary=new.summary or old.summary,
        language=new.language or old.language,
        guid=new.guid or old.guid,
        own=True,
    )


def replaces_unseen(old: Entry, new: Entry, article: Article) -> bool:
    """Whether `new`'s `article` replaces the stored one, whatever that is: a whole article
    from the own site, or from anyone while the own site has not given one."""
    return article.source != "summary" and (new.own or not old.own)
