"""Compiled forms of `Rules` (regular expressions, XPath), built once per process and rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from lxml import etree

from tui_reader.extract.clean import fold
from tui_reader.extract.rules import PhraseTable, Rules, SiteRules
from tui_reader.extract.selectors import SelectorError, to_xpath

_SIMPLE_CLASS = re.compile(r"^\.(-?[_A-Za-z][\w-]*)$")
_SIMPLE_ID = re.compile(r"^#(-?[_A-Za-z][\w-]*)$")


@dataclass(frozen=True, slots=True)
class PhraseMatcher:
    """Finds phrases of a table in folded text; knows which language each one came from."""

    pattern: re.Pattern[str] | None
    origin: dict[str, tuple[str, str]]  # folded phrase -> (language, phrase as written)

    def match_start(self, folded: str) -> tuple[str, str, int] | None:
        """(language, phrase, end offset) when `folded` starts with a phrase."""
        if self.pattern is None:
            return None
        m = self.pattern.match(folded)
        if m is None:
            return None
        lang, phrase = self.origin.get(m.group(1), ("", m.group(1)))
        return lang, phrase, m.end(1)

    def search(self, folded: str) -> tuple[str, str] | None:
        if self.pattern is None:
            return None
        m = self.pattern.search(folded)
        if m is None:
            return None
        return self.origin.get(m.group(1), ("", m.group(1)))


def _matcher(
    table: PhraseTable, extra: tuple[str, ...] = (), anchored: bool = True
) -> PhraseMatcher:
    origin: dict[str, tuple[str, str]] = {}
    for lang, phrases in table:
        for phrase in phrases:
            key = fold(phrase).rstrip(":").strip()
            if key:
                origin.setdefault(key, (lang, phrase.rstrip(":").strip()))
    for phrase in extra:
        key = fold(phrase).rstrip(":").strip()
        if key:
            origin.setdefault(key, ("site", phrase.rstrip(":").strip()))
    if not origin:
        return PhraseMatcher(None, origin)
    alternation = "|".join(re.escape(k) for k in sorted(origin, key=len, reverse=True))
    prefix = "^" if anchored else r"(?<!\w)"
    return PhraseMatcher(re.compile(rf"{prefix}({alternation})(?!\w)"), origin)


@dataclass(frozen=True, slots=True)
class Compiled:
    markers: PhraseMatcher
    footers: PhraseMatcher
    follow: PhraseMatcher
    promos: PhraseMatcher
    sources: PhraseMatcher
    social_names: re.Pattern[str] | None
    social_hosts: frozenset[str]
    share_paths: tuple[str, ...]
    class_selectors: dict[str, str]  # class token -> selector as written
    id_selectors: dict[str, str]
    xpaths: tuple[tuple[str, Any], ...]  # (selector as written, compiled XPath)
    xpath_union: Any  # one compiled XPath of every non-trivial selector, or None


@lru_cache(maxsize=16)
def compile_rules(rules: Rules, site: SiteRules | None = None) -> Compiled:
    selectors = rules.selectors + (site.selectors if site else ())
    classes: dict[str, str] = {}
    ids: dict[str, str] = {}
    xpaths: list[tuple[str, Any]] = []
    for sel in selectors:
        m = _SIMPLE_CLASS.match(sel.strip())
        if m:
            classes.setdefault(m.group(1), sel)
            continue
        m = _SIMPLE_ID.match(sel.strip())
        if m:
            ids.setdefault(m.group(1), sel)
            continue
        try:
            xpaths.append((sel, etree.XPath(to_xpath(sel))))
        except (SelectorError, etree.XPathError):
            continue
    union = None
    if xpaths:
        try:
            union = etree.XPath(" | ".join(f"({x.path})" for _, x in xpaths))
        except etree.XPathError:
            union = None
    names = sorted({fold(n) for n in rules.social_names if n.strip()}, key=len, reverse=True)
    social = (
        re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)")
        if names
        else None
    )
    return Compiled(
        markers=_matcher(rules.markers, site.markers if site else ()),
        footers=_matcher(rules.footers, anchored=False),
        follow=_matcher(rules.follow, anchored=False),
        promos=_matcher(rules.promos, anchored=False),
        sources=_matcher(rules.sources),
        social_names=social,
        social_hosts=frozenset(rules.social_hosts),
        share_paths=tuple(rules.share_paths),
        class_selectors=classes,
        id_selectors=ids,
        xpaths=tuple(xpaths),
        xpath_union=union,
    )
