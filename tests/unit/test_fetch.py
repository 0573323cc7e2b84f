"""The fetcher against a real local server: redirects, caps, deadlines, retries, politeness."""

from __future__ import annotations

import asyncio
import gzip
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from feedserver import FeedServer, Route

from tui_reader import __version__
from tui_reader.config import FetchConfig
from tui_reader.feeds import fetch as fetch_module
from tui_reader.feeds import pools as pools_module
from tui_reader.feeds.fetch import Fetcher, FetchError, HTTPInfo, TooLarge, parse_retry_after
from tui_reader.feeds.pools import HostPools

CONFIG = FetchConfig(
    concurrency=4,
    per_host=2,
    connect_timeout=5,
    read_timeout=5,
    total_timeout=10,
    retries=2,
    retry_backoff=0.01,
)
FEED = b'<rss version="2.0"><channel><title>t</title></channel></rss>'


async def get(url: str, config: FetchConfig = CONFIG, **kwargs: object) -> fetch_module.FetchResult:
    async with Fetcher(config) as fetcher:
        return await fetcher.fetch(url, **kwargs)  # type: ignore[arg-type]


async def test_sends_an_honest_user_agent_and_accepts_gzip(feedserver: FeedServer) -> None:
    feedserver.add("/feed", Route(body=FEED, gzip=True))
    result = await get(feedserver.url("/feed"))
    assert result.ok and result.content == FEED
    sent = feedserver.request_headers["/feed"][0]
    assert sent["User-Agent"] == f"tui-reader/{__version__}", "names no page that does not exist"
    assert "gzip" in sent["Accept-Encoding"]


async def test_conditional_get_sends_validators_and_sees_304(feedserver: FeedServer) -> None:
    feedserver.add(
        "/feed", Route(body=FEED, etag='"v1"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT")
    )
    first = await get(feedserver.url("/feed"))
    assert first.info == HTTPInfo('"v1"', "Mon, 01 Jan 2024 00:00:00 GMT")
    second = await get(feedserver.url("/feed"), info=first.info)
    assert second.not_modified and second.content == b""
    assert feedserver.request_headers["/feed"][1]["If-None-Match"] == '"v1"'


async def test_permanent_redirect_chain_is_told_from_a_temporary_one(
    feedserver: FeedServer,
) -> None:
    feedserver.redirect("/old", "/older", 301)
    feedserver.redirect("/older", feedserver.url("/new"), 308)
    feedserver.redirect("/new", "/final", 302)
    feedserver.add("/final", Route(body=FEED))
    result = await get(feedserver.url("/old"))
    assert result.ok
    assert result.final_url == feedserver.url("/final")
    assert result.permanent_url == feedserver.url("/new")
    assert [code for code, _ in result.redirects] == [301, 308, 302]


async def test_redirect_loop_is_an_error(feedserver: FeedServer) -> None:
    feedserver.redirect("/a", "/b", 302)
    feedserver.redirect("/b", "/a", 302)
    with pytest.raises(FetchError, match="redirect loop"):
        await get(feedserver.url("/a"))


async def test_too_many_redirects_is_an_error(feedserver: FeedServer) -> None:
    for i in range(12):
        feedserver.redirect(f"/r{i}", f"/r{i + 1}", 302)
    with pytest.raises(FetchError, match="more than 10 redirects"):
        await get(feedserver.url("/r0"))


async def test_stop_ends_a_redirect_chain_before_fetching_a_known_page(
    feedserver: FeedServer,
) -> None:
    feedserver.redirect("/r/1", "/known", 302)
    feedserver.add("/known", Route(body=b"x"))
    result = await get(feedserver.url("/r/1"), stop=lambda url: url.endswith("/known"))
    assert result.stopped and result.final_url == feedserver.url("/known")
    assert feedserver.requests["/known"] == 0


async def test_response_over_the_size_cap_is_refused(feedserver: FeedServer) -> None:
    feedserver.add("/big", Route(body=b"x" * 5000))
    feedserver.add("/big-unannounced", Route(body=b"x" * 5000, no_length=True))
    small = replace(CONFIG, max_bytes=1000)
    with pytest.raises(TooLarge):
        await get(feedserver.url("/big"), small)
    with pytest.raises(TooLarge):
        await get(feedserver.url("/big-unannounced"), small)


async def test_a_gzip_bomb_is_refused_by_its_decompressed_size(feedserver: FeedServer) -> None:
    bomb = gzip.compress(b"\0" * 50_000_000)
    assert len(bomb) < 100_000
    feedserver.add("/bomb", Route(body=bomb, pre_gzipped=True))
    with pytest.raises(TooLarge):
        await get(feedserver.url("/bomb"), replace(CONFIG, max_bytes=1_000_000))


async def test_a_dripping_body_is_abandoned_at_the_total_deadline(feedserver: FeedServer) -> None:
    feedserver.add("/drip", Route(body=b"x" * 100, drip=0.2))
    config = replace(CONFIG, total_timeout=1.0, read_timeout=5.0)
    with pytest.raises(FetchError, match="longer than 1 s in all"):
        await get(feedserver.url("/drip"), config)


async def test_503_then_success_is_retried(feedserver: FeedServer) -> None:
    feedserver.add("/flaky", [Route(status=503), Route(status=503), Route(body=FEED)])
    result = await get(feedserver.url("/flaky"))
    assert result.ok and feedserver.requests["/flaky"] == 3


async def test_a_reset_connection_is_retried(feedserver: FeedServer) -> None:
    feedserver.add("/reset", [Route(reset=True), Route(body=FEED)])
    result = await get(feedserver.url("/reset"))
    assert result.ok and feedserver.requests["/reset"] == 2


async def test_retries_give_up_with_one_line(feedserver: FeedServer) -> None:
    feedserver.add("/reset", Route(reset=True))
    with pytest.raises(FetchError, match=r"broke.*after 3 attempts"):
        await get(feedserver.url("/reset"))
    assert feedserver.requests["/reset"] == 3


async def test_404_and_501_are_not_retried(feedserver: FeedServer) -> None:
    feedserver.add("/nope", Route(status=501))
    assert (await get(feedserver.url("/missing"))).status == 404
    assert (await get(feedserver.url("/nope"))).status == 501
    assert feedserver.requests["/missing"] == 1 and feedserver.requests["/nope"] == 1


async def test_a_long_retry_after_is_returned_not_waited(feedserver: FeedServer) -> None:
    feedserver.add("/busy", Route(status=429, headers={"Retry-After": "3600"}))
    result = await get(feedserver.url("/busy"))
    assert result.status == 429 and result.retry_after is not None
    assert result.retry_after > datetime.now(UTC) + timedelta(minutes=59)
    assert feedserver.requests["/busy"] == 1


async def test_a_short_retry_after_is_waited_once(feedserver: FeedServer) -> None:
    feedserver.add("/busy", [Route(status=503, headers={"Retry-After": "0"}), Route(body=FEED)])
    result = await get(feedserver.url("/busy"))
    assert result.ok and feedserver.requests["/busy"] == 2


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    assert parse_retry_after("120", now) == now + timedelta(seconds=120)
    later = now + timedelta(hours=2)
    assert parse_retry_after(format_datetime(later, usegmt=True), now) == later
    assert parse_retry_after("soon", now) is None


async def test_per_host_limit_holds_on_the_wire(feedserver: FeedServer) -> None:
    for i in range(8):
        feedserver.add(f"/slow/{i}", Route(body=FEED, delay=0.15))
    config = replace(CONFIG, concurrency=8, per_host=2)
    async with Fetcher(config) as fetcher:
        results = await asyncio.gather(
            *(fetcher.fetch(feedserver.url(f"/slow/{i}")) for i in range(4)),
            *(fetcher.fetch(feedserver.url(f"/slow/{i}", "localhost")) for i in range(4, 8)),
        )
    assert all(r.ok for r in results)
    assert feedserver.max_active[feedserver.host()] <= 2
    assert feedserver.max_active[feedserver.host("localhost")] <= 2


@pytest.mark.parametrize(
    ("idle_hosts", "rounds", "connections"),
    [
        (pools_module.MAX_IDLE_HOSTS, 3, 2),  # each host's connection is reused across the other's
        (1, 2, 4),  # idle hosts beyond the limit are closed
    ],
    ids=["reused-across-hosts", "idle-beyond-the-limit-closed"],
)
async def test_a_hosts_connection_is_kept_while_few_hosts_are_idle(
    feedserver: FeedServer, idle_hosts: int, rounds: int, connections: int
) -> None:
    feedserver.add("/feed", Route(body=FEED))
    pools = HostPools(CONFIG.per_host, max_idle_hosts=idle_hosts)
    async with Fetcher(CONFIG, pools=pools) as fetcher:
        for host in ["127.0.0.1", "localhost"] * rounds:
            assert (await fetcher.fetch(feedserver.url("/feed", host))).ok
    assert feedserver.connections == connections


async def test_a_busy_host_is_not_closed_for_another(feedserver: FeedServer) -> None:
    feedserver.add("/slow", Route(body=FEED, delay=0.3))
    feedserver.add("/feed", Route(body=FEED))
    async with Fetcher(CONFIG, pools=HostPools(CONFIG.per_host, max_idle_hosts=1)) as fetcher:
        slow = asyncio.create_task(fetcher.fetch(feedserver.url("/slow")))
        await asyncio.sleep(0.1)
        assert (await fetcher.fetch(feedserver.url("/feed", "localhost"))).ok
        assert (await slow).ok


async def test_every_host_pool_made_is_closed_even_when_requests_race(
    feedserver: FeedServer,
) -> None:
    made: list[object] = []
    closed: list[object] = []

    class Counted(httpx.AsyncHTTPTransport):
        def __init__(self, **kwargs: object) -> None:
            super().__init__(**kwargs)  # type: ignore[arg-type]
            made.append(self)

        async def aclose(self) -> None:
            closed.append(self)
            await super().aclose()

    pools = HostPools(CONFIG.per_host, max_idle_hosts=1, make_transport=Counted)
    feedserver.add("/feed", Route(body=FEED, delay=0.1))
    async with Fetcher(CONFIG, pools=pools) as fetcher:
        assert (await fetcher.fetch(feedserver.url("/feed"))).ok
        # two requests to a new host while the first host's pool is being closed for room
        results = await asyncio.gather(
            *(fetcher.fetch(feedserver.url("/feed", "localhost")) for _ in range(2))
        )
        assert all(r.ok for r in results)
    assert len(made) == 2
    assert sorted(map(id, closed)) == sorted(map(id, made))


async def test_connection_refused_is_a_clear_error(feedserver: FeedServer) -> None:
    url = feedserver.url("/x")
    feedserver.stop()
    with pytest.raises(FetchError, match="could not connect"):
        await get(url, replace(CONFIG, retries=0))
