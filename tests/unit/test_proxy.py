"""HTTP_PROXY / NO_PROXY through a real forward proxy on 127.0.0.1, for feeds and pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from feedserver import CountingExecutor, FeedServer
from forwardproxy import ForwardProxy
from test_pipeline import WP_PAGES

from tui_reader.config import Config, FeedConfig, FetchConfig
from tui_reader.feeds.fetch import Fetcher, FetchError
from tui_reader.feeds.proxy import Proxies, bypassed
from tui_reader.pipeline import update
from tui_reader.store import Store

MakeConfig = Callable[..., Config]


def serve(server: FeedServer) -> None:
    server.feed("/feed/", "wordpress_es.rss")
    for slug in WP_PAGES:
        server.page(f"/2024/05/{slug}/", title=slug)


async def test_feeds_and_pages_go_through_the_proxy_and_no_proxy_hosts_do_not(
    feedserver: FeedServer,
    proxy: ForwardProxy,
    store: Store,
    make_config: MakeConfig,
    counting_executor: CountingExecutor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "localhost")
    serve(feedserver)
    proxied = FeedConfig(url=feedserver.url("/feed/"))
    direct = FeedConfig(url=feedserver.url("/feed/", "localhost"))
    config = make_config([proxied, direct], fulltext=True)
    summary = await update(config, store, executor=counting_executor)
    assert [r.outcome for r in summary.results] == ["ok", "ok"]
    assert proxied.url in proxy.seen, "the feed went through the proxy"
    assert direct.url not in proxy.seen, "NO_PROXY's host went direct"
    pages = {feedserver.url(f"/2024/05/{slug}/") for slug in WP_PAGES}
    assert pages <= set(proxy.seen), "the pages went through the proxy"
    assert all("localhost" not in url for url in proxy.seen)


async def test_an_unreachable_proxy_is_named_in_the_line(
    feedserver: FeedServer, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy.stop()
    monkeypatch.setenv("http_proxy", proxy.url)
    monkeypatch.setenv("NO_PROXY", "")
    async with Fetcher(FetchConfig(retries=0)) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.fetch(feedserver.url("/feed"))
    assert str(caught.value).startswith(
        f"could not connect to the proxy 127.0.0.1:{proxy.port} for 127.0.0.1: connection refused"
    )


async def test_a_socks_proxy_is_refused_with_a_line(
    feedserver: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALL_PROXY", "socks5://user:secret@127.0.0.1:1080")
    monkeypatch.setenv("NO_PROXY", "")
    async with Fetcher(FetchConfig(retries=0)) as fetcher:
        with pytest.raises(FetchError, match=r"socks5://, which is not supported") as caught:
            await fetcher.fetch(feedserver.url("/feed"))
    assert "secret" not in str(caught.value)


@pytest.mark.parametrize(
    ("no_proxy", "host", "port", "expected"),
    [
        ("*", "example.com", None, True),
        ("example.com", "www.example.com", None, True),
        (".example.com", "example.com", None, True),
        ("example.com", "badexample.com", None, False),
        ("example.com:8080", "example.com", 8080, True),
        ("example.com:8080", "example.com", 443, False),
        (" a.org , 10.0.0.1", "10.0.0.1", None, True),
        ("", "example.com", None, False),
    ],
)
def test_no_proxy_matches_as_curl_does(
    no_proxy: str, host: str, port: int | None, expected: bool
) -> None:
    assert bypassed(no_proxy, host, port) is expected


def test_lowercase_variables_and_all_proxy_apply(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("all_proxy", "proxy.lan:3128")
    monkeypatch.setenv("NO_PROXY", "intranet")
    proxies = Proxies.from_environment()
    assert proxies.for_url("https", "example.com") == "http://proxy.lan:3128"
    assert proxies.for_url("http", "wiki.intranet") is None
