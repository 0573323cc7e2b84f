"""Boilerplate rules as data: the shipped `config/boilerplate.toml` merged with the user's table.

Only the standard library is imported here, so `load_rules` is cheap and a `Rules` value pickles
to worker processes as plain tuples and strings.  Compiled forms (regular expressions, XPath) are
built lazily, once per process, by `tui_reader.extract.compiled`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tui_reader.paths import defaults_dir

RULES_FILE = "boilerplate.toml"

PhraseTable = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class SiteRules:
    """Rules that only apply to one host (and its subdomains)."""

    host: str
    markers: tuple[str, ...] = ()
    selectors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RepetitionRules:
    min_articles: int = 3
    min_share: float = 0.3
    max_chars: int = 300
    min_chars: int = 12


@dataclass(frozen=True, slots=True)
class Rules:
    """Every boilerplate rule, as hashable, picklable data.

    Phrase tables are `((language, (phrase, ...)), ...)`; `selectors` are CSS or XPath strings.
    """

    markers: PhraseTable = ()
    footers: PhraseTable = ()
    follow: PhraseTable = ()
    promos: PhraseTable = ()
    sources: PhraseTable = ()
    social_names: tuple[str, ...] = ()
    social_hosts: tuple[str, ...] = ()
    share_paths: tuple[str, ...] = ()
    selectors: tuple[str, ...] = ()
    sites: tuple[SiteRules, ...] = ()
    repetition: RepetitionRules = field(default_factory=RepetitionRules)
    # A page's images as image blocks (`page_images`); off, the text alone (what a test compares
    # them with: the step never changes the text).
    page_images: bool = True

    def site(self, host: str) -> SiteRules | None:
        """The merged per-site rules that apply to `host`, or None."""
        host = _norm_host(host)
        if not host:
            return None
        found = [s for s in self.sites if host == s.host or host.endswith("." + s.host)]
        if not found:
            return None
        return SiteRules(
            host=host,
            markers=tuple(m for s in found for m in s.markers),
            selectors=tuple(x for s in found for x in s.selectors),
        )


def _norm_host(host: str) -> str:
    host = host.strip().lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _bad(key: str, expected: str) -> ValueError:
    return ValueError(f"extract.{key}: expected {expected}")


def _str_list(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
        raise _bad(key, "a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def _phrase_table(value: Any, key: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        raise _bad(key, 'a table of language = ["phrase", ...]')
    out: dict[str, tuple[str, ...]] = {}
    for lang, phrases in value.items():
        if not isinstance(lang, str) or not lang:
            raise _bad(key, "language codes as keys")
        out[lang.lower()] = _str_list(phrases, f"{key}.{lang}")
    return out


def _merge_tables(base: PhraseTable, extra: Mapping[str, tuple[str, ...]]) -> PhraseTable:
    merged: dict[str, list[str]] = {lang: list(ph) for lang, ph in base}
    for lang, phrases in extra.items():
        bucket = merged.setdefault(lang, [])
        bucket.extend(p for p in phrases if p not in bucket)
    return tuple((lang, tuple(ph)) for lang, ph in merged.items())


def _selector_list(value: Any, key: str) -> tuple[str, ...]:
    """`selectors` may be a list, or a table with `remove`/`css`/`xpath` lists."""
    if isinstance(value, Mapping):
        out: list[str] = []
        for sub, items in value.items():
            if sub not in ("remove", "css", "xpath"):
                raise _bad(f"{key}.{sub}", "one of remove, css, xpath")
            out.extend(_str_list(items, f"{key}.{sub}"))
        result = tuple(out)
    else:
        result = _str_list(value, key)
    from tui_reader.extract.selectors import SelectorError, to_xpath

    for sel in result:
        try:
            to_xpath(sel)
        except SelectorError as err:
            raise _bad(key, f"CSS or XPath selectors ({sel!r}: {err})") from None
    return result


def _int(value: Any, key: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise _bad(key, f"an integer >= {low}")
    return value


def _repetition(value: Any, key: str, base: RepetitionRules) -> RepetitionRules:
    if not isinstance(value, Mapping):
        raise _bad(key, "a table")
    values = {
        "min_articles": base.min_articles,
        "min_share": base.min_share,
        "max_chars": base.max_chars,
        "min_chars": base.min_chars,
    }
    for name, item in value.items():
        if name == "min_share":
            if isinstance(item, bool) or not isinstance(item, int | float) or not 0 <= item <= 1:
                raise _bad(f"{key}.min_share", "a number between 0 and 1")
            values[name] = float(item)
        elif name in values:
            values[name] = _int(item, f"{key}.{name}", 0 if name == "min_chars" else 1)
        else:
            raise _bad(f"{key}.{name}", "one of min_articles, min_share, max_chars, min_chars")
    return RepetitionRules(
        min_articles=int(values["min_articles"]),
        min_share=float(values["min_share"]),
        max_chars=int(values["max_chars"]),
        min_chars=int(values["min_chars"]),
    )


def _sites(value: Any, key: str) -> tuple[SiteRules, ...]:
    if not isinstance(value, Mapping):
        raise _bad(key, 'a table of "host" = { markers = [...], selectors = [...] }')
    out: list[SiteRules] = []
    for host, table in value.items():
        if not isinstance(host, str) or not _norm_host(host):
            raise _bad(key, "host names as keys")
        if not isinstance(table, Mapping):
            raise _bad(f"{key}.{host}", "a table with markers and/or selectors")
        markers: tuple[str, ...] = ()
        selectors: tuple[str, ...] = ()
        for name, item in table.items():
            if name == "markers":
                if isinstance(item, Mapping):
                    markers = tuple(
                        p
                        for ph in _phrase_table(item, f"{key}.{host}.markers").values()
                        for p in ph
                    )
                else:
                    markers = _str_list(item, f"{key}.{host}.markers")
            elif name == "selectors":
                selectors = _selector_list(item, f"{key}.{host}.selectors")
            else:
                raise _bad(f"{key}.{host}.{name}", "one of markers, selectors")
        out.append(SiteRules(host=_norm_host(host), markers=markers, selectors=selectors))
    return tuple(out)


_PHRASE_TABLES = ("markers", "footers", "follow", "promos", "sources")
_KNOWN = (
    *_PHRASE_TABLES,
    "social",
    "selectors",
    "repetition",
    "sites",
)


def _apply(rules: Rules, table: Mapping[str, Any], prefix: str = "") -> Rules:
    """Extend `rules` with one config table (the shipped file or the user's `[extract]`)."""
    if not isinstance(table, Mapping):
        raise ValueError("extract: expected a table")
    tables: dict[str, PhraseTable] = {name: getattr(rules, name) for name in _PHRASE_TABLES}
    names, hosts, paths = rules.social_names, rules.social_hosts, rules.share_paths
    selectors, sites, repetition = rules.selectors, rules.sites, rules.repetition
    for key, value in table.items():
        if key in tables:
            tables[key] = _merge_tables(tables[key], _phrase_table(value, prefix + key))
        elif key == "social":
            if not isinstance(value, Mapping):
                raise _bad(prefix + key, "a table with names, hosts, share_paths")
            for sub, item in value.items():
                got = _str_list(item, f"{prefix}{key}.{sub}")
                if sub == "names":
                    names = names + tuple(g.lower() for g in got)
                elif sub == "hosts":
                    hosts = hosts + tuple(_norm_host(g) for g in got)
                elif sub == "share_paths":
                    paths = paths + got
                else:
                    raise _bad(f"{prefix}{key}.{sub}", "one of names, hosts, share_paths")
        elif key == "selectors":
            selectors = selectors + _selector_list(value, prefix + key)
        elif key == "repetition":
            repetition = _repetition(value, prefix + key, repetition)
        elif key == "sites":
            sites = sites + _sites(value, prefix + key)
        else:
            raise _bad(prefix + key, "one of " + ", ".join(_KNOWN))
    return Rules(
        markers=tables["markers"],
        footers=tables["footers"],
        follow=tables["follow"],
        promos=tables["promos"],
        sources=tables["sources"],
        social_names=names,
        social_hosts=hosts,
        share_paths=paths,
        selectors=selectors,
        sites=sites,
        repetition=repetition,
    )


_SHIPPED: Rules | None = None


def shipped_rules() -> Rules:
    """The rules of `config/boilerplate.toml` alone (read once per process)."""
    global _SHIPPED
    if _SHIPPED is None:
        path = defaults_dir() / RULES_FILE
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            data = {}
        try:
            _SHIPPED = _apply(Rules(), data)
        except ValueError:  # a broken shipped file must not break extraction
            _SHIPPED = Rules()
    return _SHIPPED


def load_rules(user: Mapping[str, Any] | None = None) -> Rules:
    """The shipped rules extended by the user's `[extract]` table (its content, not the wrapper).

    Raises ValueError("extract.<key>: expected ...") naming the first malformed key.
    """
    base = shipped_rules()
    if user is None:
        return base
    if not isinstance(user, Mapping):
        raise ValueError("extract: expected a table")
    return _apply(base, user)
