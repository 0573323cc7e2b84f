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
_XPATH_LITERALS = re.compile(r"'([^']+)'|\"([^\"]+)\"")


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
    tagged = [(lang, p) for lang, phrases in table for p in phrases] + [("site", p) for p in extra]
    for lang, phrase in tagged:
        key = fold(phrase).rstrip(":").strip()
        if key:
            origin.setdefault(key, (lang, phrase.rstrip(":").strip()))
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
    social_suffixes: tuple[str, ...]  # "." + each social host: its subdomains
    share_paths: tuple[str, ...]  # lowercased
    class_selectors: dict[str, str]  # class token -> selector as written
    id_selectors: dict[str, str]
    # (selector as written, compiled XPath, needles: string literals of the XPath)
    xpaths: tuple[tuple[str, Any, tuple[str, ...]], ...]


def _needles(xpath: str) -> tuple[str, ...]:
    """String literals of an XPath selector: it can only match if one occurs in the source."""
    found = [(a or b).strip() for a, b in _XPATH_LITERALS.findall(xpath)]
    return tuple(f for f in found if len(f) >= 3)


# The last (rules, site, compiled) by identity: hashing a whole `Rules` (every phrase of the
# lexicon) for the lru_cache costs about 0.1 ms, and a process extracts with the same objects.
_last: tuple[Rules, SiteRules | None, Compiled] | None = None


def compile_rules(rules: Rules, site: SiteRules | None = None) -> Compiled:
    global _last
    last = _last
    if last is not None and last[0] is rules and last[1] is site:
        return last[2]
    comp = _compile_rules(rules, site)
    _last = (rules, site, comp)
    return comp


@lru_cache(maxsize=16)
def _compile_rules(rules: Rules, site: SiteRules | None = None) -> Compiled:
    selectors = rules.selectors + (site.selectors if site else ())
    classes: dict[str, str] = {}
    ids: dict[str, str] = {}
    xpaths: list[tuple[str, Any, tuple[str, ...]]] = []
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
            path = to_xpath(sel)
            xpaths.append((sel, etree.XPath(path), _needles(path)))
        except (SelectorError, etree.XPathError):
            continue
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
        social_suffixes=tuple("." + h for h in rules.social_hosts),
        share_paths=tuple(p.lower() for p in rules.share_paths),
        class_selectors=classes,
        id_selectors=ids,
        xpaths=tuple(xpaths),
    )
