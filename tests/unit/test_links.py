"""Canonical URLs: wrappers unwrapped, trackers and fragments gone, one stable id per story."""

from __future__ import annotations

from tui_reader.feeds.links import (
    article_url,
    canonical_url,
    entry_id,
    find_canonical,
    find_feed_links,
    same_site,
    unwrap_url,
)


def test_wrapper_urls_are_unwrapped_only_for_absolute_http_targets() -> None:
    target = "https://blog.example/post/1"
    assert unwrap_url(f"https://agg.example/out?url={target}&src=x") == target
    assert unwrap_url("https://agg.example/l?u=https%3A%2F%2Fblog.example%2Fpost%2F1") == target
    assert (
        unwrap_url("https://search.example/?q=rust+async") == "https://search.example/?q=rust+async"
    )
    assert unwrap_url("https://agg.example/out?to=javascript:alert(1)").startswith("https://agg")


def test_nested_wrappers_are_peeled() -> None:
    inner = "https://agg.example/out?target=https://blog.example/a"
    assert unwrap_url(f"https://t.example/?dest={inner}") == "https://blog.example/a"


def test_tracking_parameters_and_fragments_do_not_change_the_id() -> None:
    plain = "https://www.example.com/2024/05/nota/"
    noisy = (
        "HTTPS://WWW.Example.com:443/2024/05/nota/?utm_source=rss&utm_medium=feed"
        "&fbclid=abc&gclid=def#comentarios"
    )
    assert canonical_url(noisy) == canonical_url(plain) == plain
    assert entry_id(canonical_url(noisy)) == entry_id(plain)
    assert len(entry_id(plain)) == 16


def test_meaningful_query_parameters_are_kept() -> None:
    assert (
        canonical_url("https://example.com/?p=1001&utm_campaign=x") == "https://example.com/?p=1001"
    )


def test_one_story_through_a_wrapper_or_directly_is_one_id() -> None:
    direct = entry_id(canonical_url("https://blog.example/post/1?utm_source=agg"))
    wrapped = entry_id(canonical_url("https://agg.example/out?url=https://blog.example/post/1"))
    assert direct == wrapped


def test_canonical_link_is_read_from_the_head_and_made_absolute() -> None:
    page = '<html><head><link href="/a/b" rel="canonical"></head><body>x</body></html>'
    assert find_canonical(page, "https://site.example/a/b?amp=1") == "https://site.example/a/b"
    body_only = '<html><body><link rel="canonical" href="https://evil.example/"></body></html>'
    assert find_canonical(body_only, "https://site.example/") is None


def test_feed_links_are_found_as_absolute_urls() -> None:
    page = (
        '<head><link rel="alternate" type="application/rss+xml" href="/feed/">'
        "<link rel='alternate' type='application/atom+xml' href='https://x.example/atom'>"
        '<link rel="alternate" hreflang="en" href="/en/"></head>'
    )
    assert find_feed_links(page, "https://x.example/blog/") == [
        "https://x.example/feed/",
        "https://x.example/atom",
    ]


def test_cross_site_canonical_is_ignored_unless_an_aggregator_redirected_us() -> None:
    page = '<head><link rel="canonical" href="https://other.example/story"></head>'
    direct = article_url("https://site.example/s", "https://site.example/s", page,
                         redirected_from_elsewhere=False)  # fmt: skip
    assert direct == "https://site.example/s"
    via_agg = article_url("https://agg.example/r/1", "https://amp.example/s", page,
                          redirected_from_elsewhere=True)  # fmt: skip
    assert via_agg == "https://other.example/story"


def test_same_site_ignores_www_and_subdomains() -> None:
    assert same_site("https://www.xataka.com/a", "https://xataka.com/b")
    assert same_site("https://m.xataka.com/a", "https://www.xataka.com/b")
    assert not same_site("https://xataka.com/a", "https://genbeta.com/b")
