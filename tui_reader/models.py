"""Domain types shared by every layer: feeds, entries, articles and fetch results.

All public types are frozen dataclasses with UTC datetimes. They are converted to plain dicts
(`to_dict`/`from_dict`) before they reach the store, so a stored value never depends on how a
class is laid out in a given version of the code.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

# "image": `text` is its alt text or caption, its one link (0, len(text)) the image's URL, so it
# is numbered and opened like any link; readers that predate it show it as a paragraph.
BlockKind = Literal["heading", "paragraph", "quote", "list", "code", "caption", "image"]
BLOCK_KINDS: tuple[BlockKind, ...] = (
    "heading",
    "paragraph",
    "quote",
    "list",
    "code",
    "caption",
    "image",
)
TextSource = Literal["feed", "page", "summary"]
FeedStatus = Literal["never", "ok", "not_modified", "error", "gone"]


T = TypeVar("T")


def pickled_by_fields(cls: type[T]) -> type[T]:
    """Pickle a slots dataclass as (class, field values), rebuilt by its constructor.

    The stock pickling of a slots dataclass looks up its fields again for every object on both
    ends; articles and parsed feeds cross between the fetch's processes by the thousand, and
    this halves what that costs.
    """
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    # attrgetter of several names gives a tuple; of one name, the bare value
    get = operator.attrgetter(*names)
    values = get if len(names) > 1 else lambda obj: (get(obj),)

    def __reduce__(self: T) -> tuple[type[T], tuple[Any, ...]]:
        return cls, values(self)

    setattr(cls, "__reduce__", __reduce__)  # noqa: B010
    return cls


def utcnow() -> datetime:
    return datetime.now(UTC)


def _ts(value: datetime | None) -> float | None:
    return None if value is None else value.timestamp()


def _dt(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class LinkRef:
    """A numbered link inside a block: `text[start:end]` is the anchor of link `number`."""

    start: int
    end: int
    number: int


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Block:
    """One unit of article structure. A list's items are joined by newlines in `text`."""

    kind: BlockKind
    text: str
    level: int = 0
    attribution: str = ""
    links: tuple[LinkRef, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.text,
            "level": self.level,
            "attribution": self.attribution,
            "links": [(r.start, r.end, r.number) for r in self.links],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Block:
        return cls(
            kind=data["kind"],
            text=data["text"],
            level=data.get("level", 0),
            attribution=data.get("attribution", ""),
            links=tuple(LinkRef(*r) for r in data.get("links", ())),
        )


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Link:
    """A link of the article body, numbered in reading order from 1, as the reader shows it."""

    number: int
    text: str
    href: str


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Removal:
    """A block that a boilerplate rule took out, kept so `extract --explain` can show why."""

    rule: str
    text: str


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Article:
    """The extracted article: metadata, ordered blocks and the numbered links of the body."""

    url: str
    title: str = ""
    author: str = ""
    published: datetime | None = None
    site_name: str = ""
    language: str = ""
    blocks: tuple[Block, ...] = ()
    links: tuple[Link, ...] = ()
    source: TextSource = "page"
    removed: tuple[Removal, ...] = ()
    # The page's canonical link when it names another site (the article this one translates).
    canonical: str = ""
    # A feed item's HTML not yet converted (`pending`): the blocks are its plain text until the
    # article is first opened.
    pending: str = ""

    @property
    def text(self) -> str:
        """Plain text, one block per line; a quote's attribution is its own line. Images are
        left out (their alt text is not the article's text)."""
        lines: list[str] = []
        for block in self.blocks:
            if block.kind == "image":
                continue
            lines.append(block.text)
            if block.attribution:
                lines.append(block.attribution)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "title": self.title,
            "author": self.author,
            "published": _ts(self.published),
            "site_name": self.site_name,
            "language": self.language,
            "blocks": [b.to_dict() for b in self.blocks],
            "links": [(lk.number, lk.text, lk.href) for lk in self.links],
            "source": self.source,
            "removed": [(r.rule, r.text) for r in self.removed],
            **({"canonical": self.canonical} if self.canonical else {}),
            **({"pending": self.pending} if self.pending else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        return cls(
            url=data["url"],
            title=data.get("title", ""),
            author=data.get("author", ""),
            published=_dt(data.get("published")),
            site_name=data.get("site_name", ""),
            language=data.get("language", ""),
            blocks=tuple(Block.from_dict(b) for b in data.get("blocks", ())),
            links=tuple(Link(*lk) for lk in data.get("links", ())),
            source=data.get("source", "page"),
            removed=tuple(Removal(*r) for r in data.get("removed", ())),
            canonical=data.get("canonical", ""),
            pending=data.get("pending", ""),
        )


@dataclass(frozen=True, slots=True)
class Entry:
    """One story as the feeds announced it.

    `id` is derived from the canonical article URL, so the same story reached through several
    feeds or aggregators is one entry; `feeds` lists every feed that carried it and `via` the
    aggregator links it came through. `own` says it was stored from its own site's feed, whose
    title, date and text replace an aggregator's whichever arrives first.
    """

    id: str
    url: str
    title: str
    feeds: tuple[str, ...]
    published: datetime
    author: str = ""
    site: str = ""
    summary: str = ""
    language: str = ""
    via: tuple[str, ...] = ()
    guid: str = ""
    has_article: bool = False
    fetched: datetime = field(default_factory=utcnow)
    own: bool = False
    original: str = ""  # the article the feed says this one comes from (`<source>`)

    def to_dict(self) -> dict[str, Any]:
        # Not `asdict`: it deep-copies every value, and a fetch stores thousands of entries.
        data = {f: getattr(self, f) for f in _ENTRY_FIELDS}
        data["feeds"] = list(self.feeds)
        data["via"] = list(self.via)
        data["published"] = self.published.timestamp()
        data["fetched"] = self.fetched.timestamp()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        values = {k: v for k, v in data.items() if k in _ENTRY_FIELD_SET}
        values["feeds"] = tuple(values.get("feeds", ()))
        values["via"] = tuple(values.get("via", ()))
        values["published"] = datetime.fromtimestamp(data["published"], UTC)
        values["fetched"] = datetime.fromtimestamp(data.get("fetched", data["published"]), UTC)
        return cls(**values)


_ENTRY_FIELDS = tuple(f.name for f in fields(Entry))
_ENTRY_FIELD_SET = frozenset(_ENTRY_FIELDS)


@dataclass(frozen=True, slots=True)
class EntryRow:
    """What a list of entries needs, without the body: one row of a per-feed index."""

    id: str
    published: float
    title: str
    site: str
    feed: str
    language: str = ""

    @classmethod
    def of(cls, entry: Entry, feed: str) -> EntryRow:
        return cls(
            entry.id, entry.published.timestamp(), entry.title, entry.site, feed, entry.language
        )

    def as_tuple(self) -> tuple[str, float, str, str, str, str]:
        return (self.id, self.published, self.title, self.site, self.feed, self.language)


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the store knows of one subscribed feed between fetches."""

    key: str
    url: str
    title: str = ""
    site_url: str = ""
    etag: str = ""
    last_modified: str = ""
    status: FeedStatus = "never"
    error: str = ""
    last_fetch: datetime | None = None
    last_ok: datetime | None = None
    retry_after: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        # Not `asdict` (it deep-copies): a warm run writes every feed's state, and its values
        # are strings and instants.
        data = {name: getattr(self, name) for name in _FEED_STATE_FIELDS}
        for name in ("last_fetch", "last_ok", "retry_after"):
            data[name] = _ts(getattr(self, name))
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeedState:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for name in ("last_fetch", "last_ok", "retry_after"):
            values[name] = _dt(values.get(name))
        return cls(**values)


_FEED_STATE_FIELDS = tuple(f.name for f in fields(FeedState))


FeedOutcome = Literal["ok", "not_modified", "failed", "gone", "skipped"]


@dataclass(frozen=True, slots=True)
class FeedResult:
    """The outcome of fetching one feed, one line of `fetch --json`."""

    feed: str
    outcome: FeedOutcome
    new_entries: int = 0
    extracted: int = 0
    error: str = ""
    status_code: int | None = None


@dataclass(frozen=True, slots=True)
class FetchSummary:
    results: tuple[FeedResult, ...]

    def count(self, outcome: FeedOutcome) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def new_entries(self) -> int:
        return sum(r.new_entries for r in self.results)

    @property
    def extracted(self) -> int:
        return sum(r.extracted for r in self.results)

    @property
    def failed(self) -> bool:
        return any(r.outcome in ("failed", "gone") for r in self.results)

    def line(self) -> str:
        ok = self.count("ok")
        return (
            f"{ok} feeds ok, {self.count('failed') + self.count('gone')} failed, "
            f"{self.count('not_modified')} not modified; "
            f"{self.new_entries} new entries, {self.extracted} extracted"
        )
