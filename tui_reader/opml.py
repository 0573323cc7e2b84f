"""OPML import and export of subscriptions: folders and OPML 2.0 categories become tags.

Import is safe against hostile files: the document is parsed with expat directly and any DTD
(the only place an entity can be declared) is refused, so no entity is ever expanded and nothing
is fetched. Only http(s) feed URLs are imported; every other outline is listed as skipped with
its reason, so the CLI can say what was left out and why.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from xml.parsers import expat

from tui_reader.config import ConfigError, FeedConfig, _Checker, parse_feeds
from tui_reader.sanitize import clean_line, is_safe_url

# Our own attributes for the FeedConfig fields OPML has no word for, so an export re-imports
# exactly. Other readers ignore attributes in a foreign namespace.
TR_NS = "https://github.com/tui-reader/opml"
_TR = "{" + TR_NS + "}"
_JSON_FIELDS = ("extract", "filters")
_INT_FIELDS = ("keep_days", "interval_minutes")


@dataclass(frozen=True, slots=True)
class Skipped:
    """An item that was not imported: what it was (URL or outline) and why, for one line."""

    item: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.item}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ImportResult:
    """Feeds found in an import file, as dicts `parse_feeds` accepts, and what was skipped.

    The feed dicts have the shape of `services.feed_to_dict` (empty fields left out), so they
    can go straight into `Store.set_subscriptions` (after `merge_subscriptions`).
    """

    source: str
    feeds: tuple[dict[str, Any], ...] = ()
    skipped: tuple[Skipped, ...] = ()
    title: str = ""

    def feed_configs(self) -> list[FeedConfig]:
        return list(parse_feeds(_Checker(self.source), [dict(f) for f in self.feeds], "feeds"))


def accept_url(raw: str | None) -> tuple[str, str]:
    """(url, "") for an acceptable http(s) feed URL, else ("", why it is refused)."""
    if raw is None or not raw.strip():
        return "", "no feed URL (xmlUrl missing or empty)"
    url = raw.strip()
    if any(c.isspace() for c in url):
        return "", "not a URL (contains spaces; commands are never run)"
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return "", "not a valid URL"
    if scheme not in ("http", "https"):
        shown = f"{scheme}:" if scheme else "no scheme"
        return "", f"unsupported URL ({shown}); only http and https feeds are imported"
    if not is_safe_url(url):
        return "", "not a valid http(s) URL (no host, or control characters)"
    return url, ""


def _clean_tag(tag: str) -> str:
    parts = [clean_line(p) for p in clean_line(tag).strip("/").split("/")]
    return "/".join(p for p in parts if p)


def merge_feed(into: dict[str, Any], other: Mapping[str, Any]) -> None:
    """Merge a duplicate subscription into `into`: tags unioned, other fields first-wins."""
    tags = list(dict.fromkeys([*into.get("tags", []), *other.get("tags", [])]))
    if tags:
        into["tags"] = tags
    for key, value in other.items():
        if key != "tags" and value not in (None, "", [], {}) and not into.get(key):
            into[key] = value


def dedupe_feeds(feeds: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for feed in feeds:
        url = feed["url"]
        if url in merged:
            merge_feed(merged[url], feed)
        else:
            merged[url] = dict(feed)
    return list(merged.values())


def merge_subscriptions(
    existing: Sequence[Mapping[str, Any]], imported: Iterable[Mapping[str, Any]]
) -> tuple[list[dict[str, Any]], int]:
    """Existing subscriptions plus imported ones; a URL already there gains the new tags.

    Returns the merged list and how many feeds are new.
    """
    merged = dedupe_feeds(existing)
    by_url = {f["url"]: f for f in merged}
    new = 0
    for feed in imported:
        if feed["url"] in by_url:
            merge_feed(by_url[feed["url"]], feed)
        else:
            copy = dict(feed)
            merged.append(copy)
            by_url[copy["url"]] = copy
            new += 1
    return merged, new


# -- parsing -------------------------------------------------------------------------------


class _Refused(Exception):
    pass


def _parse_xml(data: bytes) -> tuple[ET.Element, dict[int, int]]:
    """Parse with expat into an ElementTree; refuse DTDs, so entities cannot be declared.

    Also returns the line of each element (by `id`), to name it when it is skipped.
    """
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    lines: dict[int, int] = {}

    def qualified(name: str) -> str:
        return "{" + name if "}" in name else name

    def start(name: str, attrs: dict[str, str]) -> None:
        element = builder.start(qualified(name), {qualified(k): v for k, v in attrs.items()})
        lines[id(element)] = parser.CurrentLineNumber

    def refuse_dtd(*_: object) -> None:
        raise _Refused("a DOCTYPE or entity declaration (refused for safety)")

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: builder.end(qualified(name))
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.ExternalEntityRefHandler = refuse_dtd  # type: ignore[assignment]
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.Parse(data, True)
    return builder.close(), lines


def _attr(element: ET.Element, name: str) -> str | None:
    """An attribute by name, case-insensitively (readers write xmlUrl, xmlurl, XMLURL)."""
    value = element.get(name)
    if value is not None:
        return value
    lowered = name.lower()
    for key, val in element.attrib.items():
        if key.lower() == lowered:
            return val
    return None


def _outline_name(element: ET.Element) -> str:
    return clean_line(_attr(element, "title") or _attr(element, "text") or "")


def _categories(value: str | None) -> list[str]:
    """OPML 2.0 `category`: comma-separated, slash-delimited paths ("/tech/es,news")."""
    if not value:
        return []
    return [t for t in (_clean_tag(c) for c in value.split(",")) if t]


def _feed_from_outline(element: ET.Element, path: list[str], url: str) -> dict[str, Any]:
    title = clean_line(_attr(element, "title") or "")
    text = clean_line(_attr(element, "text") or "")
    if not title and text != url:
        title = text
    # categories first: they keep the feed's own tag order, which folders cannot
    tags = _categories(_attr(element, "category"))
    if path:
        tags.append("/".join(path))
    feed: dict[str, Any] = {"url": url}
    if title:
        feed["title"] = title
    if tags:
        feed["tags"] = list(dict.fromkeys(tags))
    language = clean_line(_attr(element, "language") or "")
    if language:
        feed["language"] = language
    fulltext = element.get(_TR + "fulltext")
    if fulltext is not None:
        feed["fulltext"] = {"true": True, "false": False}.get(fulltext, fulltext)
    for name in _INT_FIELDS:
        value = element.get(_TR + name)
        if value is not None:
            feed[name] = int(value) if value.strip().lstrip("-").isdigit() else value
    for name in _JSON_FIELDS:
        value = element.get(_TR + name)
        if value is not None:
            feed[name] = json.loads(value)
    return feed


def _validate(feed: dict[str, Any], source: str) -> str:
    """'' if `parse_feeds` accepts the feed, else the reason it does not."""
    try:
        parse_feeds(_Checker(source), [feed], "feed")
    except ConfigError as exc:
        return f"{exc.key}: expected {exc.expected}"
    return ""


def parse_opml(data: bytes, source: str) -> ImportResult:
    """Feeds and skipped items of an OPML 1.0/2.0 document.

    Nested outlines become tags naming their folder path ("Tech/Spanish"), OPML 2.0 `category`
    attributes are kept as tags too, and a feed listed twice is one feed with the tags of both.
    A document that is not well-formed OPML raises ValueError with a one-line message.
    """
    try:
        root, lines = _parse_xml(data)
    except expat.ExpatError as exc:
        raise ValueError(f"{source}: not a valid OPML file: {exc}") from None
    except _Refused as exc:
        raise ValueError(f"{source}: not a valid OPML file: it contains {exc}") from None
    if root.tag.lower() != "opml":
        raise ValueError(f"{source}: not a valid OPML file: the root element is <{root.tag}>")
    body = next((c for c in root if c.tag.lower() == "body"), None)
    if body is None:
        raise ValueError(f"{source}: not a valid OPML file: no <body> element")
    head = next((c for c in root if c.tag.lower() == "head"), None)
    title_el = head.find("title") if head is not None else None
    doc_title = clean_line(title_el.text or "") if title_el is not None else ""

    feeds: list[dict[str, Any]] = []
    skipped: list[Skipped] = []

    def walk(parent: ET.Element, path: list[str]) -> None:
        for element in parent:
            if element.tag.lower() != "outline":
                continue
            line = lines.get(id(element))
            raw = _attr(element, "xmlUrl")
            children = [c for c in element if c.tag.lower() == "outline"]
            if raw is None and children:
                name = _outline_name(element)
                walk(element, [*path, name] if name else path)
                continue
            url, reason = accept_url(raw)
            name = _outline_name(element)
            label = clean_line(raw or "") or (f'outline "{name}"' if name else "untitled outline")
            if not url:
                skipped.append(Skipped(label, reason, line))
                continue
            try:
                feed = _feed_from_outline(element, path, url)
            except (ValueError, json.JSONDecodeError) as exc:
                skipped.append(Skipped(url, f"unreadable tui-reader attribute ({exc})", line))
                continue
            problem = _validate(feed, source)
            if problem:
                skipped.append(Skipped(url, problem, line))
                continue
            feeds.append(feed)
            if children:  # a feed with children (rare): the children are still feeds
                walk(element, path)

    walk(body, [])
    return ImportResult(
        source=source, feeds=tuple(dedupe_feeds(feeds)), skipped=tuple(skipped), title=doc_title
    )


# -- export --------------------------------------------------------------------------------


def _outline_for(feed: FeedConfig, *, opml2: bool) -> ET.Element:
    title = clean_line(feed.title)
    attrs = {"type": "rss", "text": title or feed.url}
    if title:
        attrs["title"] = title
    attrs["xmlUrl"] = feed.url
    if opml2:
        if feed.tags:
            attrs["category"] = ",".join("/" + _clean_tag(t) for t in feed.tags if _clean_tag(t))
        if feed.language:
            attrs["language"] = clean_line(feed.language)
        if feed.fulltext != "auto":
            attrs[_TR + "fulltext"] = "true" if feed.fulltext else "false"
        for name in _INT_FIELDS:
            value = getattr(feed, name)
            if value:
                attrs[_TR + name] = str(value)
        if feed.extract:
            attrs[_TR + "extract"] = json.dumps(dict(feed.extract), sort_keys=True)
        if feed.filters:
            attrs[_TR + "filters"] = json.dumps(
                [
                    {"pattern": f.pattern, "field": f.field, "action": f.action, "feed": f.feed}
                    for f in feed.filters
                ]
            )
    return ET.Element("outline", attrs)


def export_opml(feeds: list[FeedConfig], *, opml2: bool, title: str = "tui-reader") -> str:
    """An OPML document of `feeds`, as text.

    Each feed sits in the folder of each of its tags ("a/b" is folder b inside folder a), as
    Feedly and Miniflux write a feed filed in two categories; untagged feeds are at the top.
    OPML 2.0 also writes every tag as a `category` and the rest of the feed's settings as
    attributes, so importing the file again gives back the same feeds.
    """
    ET.register_namespace("tr", TR_NS)
    root = ET.Element("opml", {"version": "2.0" if opml2 else "1.0"})
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = clean_line(title)
    body = ET.SubElement(root, "body")
    folders: dict[tuple[str, ...], ET.Element] = {(): body}

    def folder(path: tuple[str, ...]) -> ET.Element:
        if path not in folders:
            parent = folder(path[:-1])
            folders[path] = ET.SubElement(parent, "outline", {"text": path[-1], "title": path[-1]})
        return folders[path]

    for feed in feeds:
        paths = [tuple(t.split("/")) for t in (_clean_tag(t) for t in feed.tags) if t]
        for path in dict.fromkeys(paths) or [()]:
            folder(path).append(_outline_for(feed, opml2=opml2))
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
