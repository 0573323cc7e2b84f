"""load_rules: shipped rules, user extensions, validation; selectors; SiteStats."""

from __future__ import annotations

import pickle
import re

import pytest

from tui_reader.extract import Rules, SiteStats, load_rules, update_site_stats
from tui_reader.extract.repetition import is_repeated
from tui_reader.extract.selectors import SelectorError, to_xpath
from tui_reader.models import Article, Block


def test_shipped_rules_cover_the_languages() -> None:
    rules = load_rules()
    langs = {lang for lang, _ in rules.markers}
    assert {"es", "pt", "fr", "it", "de", "en"} <= langs
    phrases = {p for _, ph in rules.markers for p in ph}
    for p in (
        "Recomendado",
        "Lee también",
        "Leia também",
        "À lire aussi",
        "Leggi anche",
        "Lesen Sie auch",
        "Read also",
    ):
        assert p in phrases
    assert rules.selectors


def test_rules_pickle_and_hash() -> None:
    rules = load_rules(
        {"markers": {"es": ["Mira esto"]}, "sites": {"a.example": {"selectors": [".x"]}}}
    )
    again = pickle.loads(pickle.dumps(rules))
    assert again == rules and hash(again) == hash(rules)
    assert isinstance(rules, Rules)


def test_user_rules_extend_not_replace() -> None:
    base = load_rules()
    rules = load_rules(
        {"markers": {"es": ["Mira esto"], "sv": ["Läs också"]}, "selectors": ["#promo"]}
    )
    table = dict(rules.markers)
    assert "Mira esto" in table["es"] and "Recomendado" in table["es"]
    assert table["sv"] == ("Läs också",)
    assert rules.selectors[-1] == "#promo"
    assert len(rules.selectors) == len(base.selectors) + 1


def test_site_rules_match_subdomains() -> None:
    rules = load_rules(
        {"sites": {"www.example.com": {"markers": ["Ver más"], "selectors": [".ad"]}}}
    )
    site = rules.site("news.example.com")
    assert site is not None and site.markers == ("Ver más",) and site.selectors == (".ad",)
    assert rules.site("example.org") is None


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ({"markers": ["x"]}, "extract.markers"),
        ({"markers": {"es": [1]}}, "extract.markers.es"),
        ({"selectors": "div[unclosed"}, "extract.selectors"),
        ({"selectors": ["//div[@"]}, "extract.selectors"),
        ({"sites": {"a.example": {"colour": "red"}}}, "extract.sites.a.example.colour"),
        ({"sites": ["a.example"]}, "extract.sites"),
        ({"repetition": {"min_share": 3}}, "extract.repetition.min_share"),
        ({"repetition": {"min_articles": 0}}, "extract.repetition.min_articles"),
        ({"nonsense": 1}, "extract.nonsense"),
    ],
)
def test_bad_user_config_names_the_key(table: dict[str, object], key: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(key) + ": expected"):
        load_rules(table)


@pytest.mark.parametrize(
    ("css", "xpath"),
    [
        (".a", "//*[contains(concat(' ', normalize-space(@class), ' '), ' a ')]"),
        ("div#x", "//div[@id='x']"),
        ("ul > li.y", "//ul/li[contains(concat(' ', normalize-space(@class), ' '), ' y ')]"),
        ("a[href^='https://t.co']", "//a[starts-with(@href, 'https://t.co')]"),
        ("//aside", "//aside"),
    ],
)
def test_css_to_xpath(css: str, xpath: str) -> None:
    assert to_xpath(css) == xpath


def test_css_groups_and_errors() -> None:
    assert " | " in to_xpath(".a, .b")
    with pytest.raises(SelectorError):
        to_xpath("div::before")


def test_site_stats_update_is_pure_and_small() -> None:
    art = Article(url="u", blocks=(Block("paragraph", "Un bloque corto de texto repetido"),))
    s1 = update_site_stats(None, art)
    s2 = update_site_stats(s1, art)
    assert s1.articles == 1 and s2.articles == 2
    assert list(s2.counts.values()) == [2]
    assert pickle.loads(pickle.dumps(s2)) == s2
    assert SiteStats().articles == 0


def test_site_stats_count_the_blocks_the_configured_limits_allow() -> None:
    """Counting and matching use the same `rules.repetition` limits (the defaults without one)."""
    text = "Un bloque corto de texto repetido"  # 33 characters
    art = Article(url="u", blocks=(Block("paragraph", text),))
    long_only = load_rules({"repetition": {"min_chars": 40, "min_articles": 1}}).repetition
    assert update_site_stats(None, art).counts
    assert not update_site_stats(None, art, long_only).counts
    short_ok = load_rules({"repetition": {"min_chars": 5, "min_articles": 1}}).repetition
    stats = update_site_stats(None, art, short_ok)
    assert is_repeated(stats, text, short_ok) and not is_repeated(stats, text, long_only)


def test_user_promos_and_sources_extend_the_shipped_tables() -> None:
    rules = load_rules({"promos": {"sv": ["vårt nyhetsbrev"]}, "sources": {"sv": ["Källor"]}})
    assert dict(rules.promos)["sv"] == ("vårt nyhetsbrev",)
    assert "Källor" in dict(rules.sources)["sv"] and "Fuentes" in dict(rules.sources)["es"]
    with pytest.raises(ValueError, match=r"extract\.promos"):
        load_rules({"promos": ["not a table"]})
