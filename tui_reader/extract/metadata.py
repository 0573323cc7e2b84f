"""Metadata of a page: language, publication date, title, author and site name.

trafilatura's metadata pass trimmed to what we read, plus our own date, language and headline
choices.  Reads the tree, never changes it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tui_reader.extract.author import find_author
from tui_reader.extract.clean import clean_line, fold
from tui_reader.extract.pageindex import PageIndex
from tui_reader.language import primary_code

LOG = logging.getLogger(__name__)

_DATE_META = (
    "article:published_time",
    "og:published_time",
    "datePublished",
    "pubdate",
    "publishdate",
    "date",
    "dc.date",
    "dc.date.issued",
    "sailthru.date",
    "parsely-pub-date",
)


def lang_code(value: str) -> str:
    """A page's declared language as a primary code (`language.primary_code`), if it is one."""
    code = primary_code(value)
    return code if code.isalpha() and 2 <= len(code) <= 3 else ""


_JSON_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]{8,40})"')


def declared_language(root: Any, idx: PageIndex) -> str:
    lang = lang_code(root.get("lang") or root.get("xml:lang") or "")
    if lang:
        return lang
    for meta in idx.language_metas()[:3]:
        lang = lang_code(meta.get("content") or "")
        if lang:
            return lang
    return ""


# Detection reads this much of the text: the language is clear long before, and the classifier's
# cost grows with the length.
LANGUAGE_SAMPLE = 1500


def detect_language(text: str, classify: Callable[[str], Any] | None = None) -> str:
    """The text's language by `classify` (py3langid's, loaded when first needed), "" if unsure."""
    if len(text) < 20:
        return ""
    try:
        if classify is None:
            import py3langid

            classify = py3langid.classify
        lang, _ = classify(text[:LANGUAGE_SAMPLE])
        return str(lang)
    except Exception:
        return ""


def checked_language(
    declared: str, text: str, detect: Callable[[str], str] = detect_language
) -> str:
    """`declared` unless the text plainly contradicts it (then detected); detected if none."""
    from tui_reader.language import contradicts

    if not declared:
        return detect(text)
    if contradicts(text, declared):
        return detect(text) or declared
    return declared


def _parse_dt(value: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    try:
        return dt.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _precise_date(idx: PageIndex) -> datetime | None:
    for meta in idx.named_metas()[:200]:
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
        if key in _DATE_META or key.lower() in _DATE_META:
            dt = _parse_dt(meta.get("content") or "")
            if dt is not None:
                return dt
    for script in idx.json_ld[:5]:
        m = _JSON_LD_DATE.search(script.text or "")
        if m:
            dt = _parse_dt(m.group(1))
            if dt is not None:
                return dt
    for t in idx.times[:3]:
        dt = _parse_dt(t.get("datetime") or "")
        if dt is not None:
            return dt
    return None


def published(idx: PageIndex, day: str | None) -> datetime | None:
    precise = _precise_date(idx)
    if day:
        try:
            coarse = datetime.strptime(day[:10], "%Y-%m-%d").replace(tzinfo=UTC)
        except ValueError:
            coarse = None
        if coarse is not None:
            if precise is not None and abs((precise - coarse).total_seconds()) < 2 * 86400:
                return precise
            return coarse
    return precise


def read_metadata(root: Any, url: str) -> Any:
    """trafilatura's metadata pass (`extract_metadata`) without what we never read.

    Same steps and order for title, author, canonical URL, date and site name; categories, tags
    and licence (a quarter of its cost) are skipped.  Reads `root`, never changes it.
    """
    from htmldate import find_date
    from trafilatura import metadata as tm

    doc = tm.examine_meta(root)
    if doc.author and " " not in doc.author:
        doc.author = None
    try:
        doc = tm.extract_meta_json(root, doc)
    except Exception as err:  # bugs in trafilatura's JSON-LD code
        LOG.debug("JSON-LD metadata failed: %s", err)
    if not doc.title:
        doc.title = tm.extract_title(root)
    if not doc.author:
        doc.author = find_author(root)
    if not doc.url:
        doc.url = tm.extract_url(root, url or None)
    doc.date = find_date(root, extensive_search=False, original_date=True, url=doc.url)
    if not doc.sitename:
        doc.sitename = tm.extract_sitename(root)
    if doc.sitename:
        doc.sitename = doc.sitename.lstrip("@")
        if doc.sitename and "." not in doc.sitename and not doc.sitename[0].isupper():
            doc.sitename = doc.sitename.title()
    elif doc.url:
        m = tm.META_URL.match(doc.url)
        if m:
            doc.sitename = m[1]
    doc.clean_and_trim()
    return doc


_TITLE_SEPARATORS = re.compile(r"\s+[|–—\-·:»/]+\s+")


def better_title(idx: PageIndex, title: str, site_name: str) -> str:
    """The headline without a " - Site name" suffix; the page's <h1> when it is that headline."""
    h1s = [clean_line(h.text_content()) for h in idx.h1s[:3]]
    h1s = [h for h in h1s if h]
    if not title:
        return h1s[0] if h1s else ""
    key = fold(title)
    for h in h1s:
        hk = fold(h)
        if hk == key:
            return title
        if len(hk) >= 10 and key.startswith(hk) and _TITLE_SEPARATORS.match(title[len(h) :]):
            return h
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) > 1 and site_name and fold(parts[-1]) == fold(site_name):
        return title[: title.rfind(parts[-1])].rstrip(" |–—-·:»/")
    return title
