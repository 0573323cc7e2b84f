"""Bodies and broken answers: content encodings, cut-off streams, and lines free of internals."""

from __future__ import annotations

import gzip
import importlib.util
import socket
import threading
import zlib
from collections.abc import Iterator

import pytest
from feedserver import FeedServer, Route

from tui_reader.config import FetchConfig
from tui_reader.feeds import fetch as fetch_module
from tui_reader.feeds.decode import BodyError, Decoder
from tui_reader.feeds.fetch import Fetcher, FetchError

CONFIG = FetchConfig(
    connect_timeout=5, read_timeout=5, total_timeout=10, retries=2, retry_backoff=0.01
)
FEED = b'<rss version="2.0"><channel><title>t</title>' + b"<item><title>x</title></item>" * 50
FEED += b"</channel></rss>"


class RawServer:
    """Answers every connection on 127.0.0.1 with the same bytes, then closes; counts them."""

    def __init__(self, answer: bytes) -> None:
        self.answer = answer
        self.connections = 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                try:
                    conn.recv(65536)
                    conn.sendall(self.answer)
                except OSError:
                    pass

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def raw_server(request: pytest.FixtureRequest) -> Iterator[RawServer]:
    server = RawServer(request.param)
    try:
        yield server
    finally:
        server.close()


async def get(url: str, config: FetchConfig = CONFIG) -> fetch_module.FetchResult:
    async with Fetcher(config) as fetcher:
        return await fetcher.fetch(url)


@pytest.mark.parametrize("wrapped", [False, True], ids=["raw-deflate", "zlib"])
def test_deflate_whose_first_chunk_is_one_byte_decodes(wrapped: bool) -> None:
    if wrapped:
        body = zlib.compress(FEED)
    else:
        packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        body = packer.compress(FEED) + packer.flush()
    decoder = Decoder("deflate", 10_000_000)
    decoder.feed(body[:1])
    decoder.feed(body[1:2])
    decoder.feed(body[2:])
    assert decoder.finish() == FEED


async def test_a_truncated_gzip_body_is_an_error_line(feedserver: FeedServer) -> None:
    cut = gzip.compress(FEED)[:-30]
    feedserver.add("/feed", Route(body=cut, headers={"Content-Encoding": "gzip"}))
    with pytest.raises(FetchError, match=r"^the gzip data of the response is cut off; refused$"):
        await get(feedserver.url("/feed"))


def test_a_truncated_deflate_stream_is_an_error() -> None:
    decoder = Decoder("deflate", 10_000_000)
    decoder.feed(zlib.compress(FEED)[:-10])
    with pytest.raises(BodyError, match="cut off"):
        decoder.finish()


@pytest.mark.skipif(
    importlib.util.find_spec("brotli") is not None, reason="brotli is installed: br is decoded"
)
async def test_brotli_without_brotli_installed_is_refused_with_a_line(
    feedserver: FeedServer,
) -> None:
    feedserver.add("/feed", Route(body=b"\x1b\x03\x00", headers={"Content-Encoding": "br"}))
    with pytest.raises(FetchError, match=r"brotli-compressed data.*install the brotli package"):
        await get(feedserver.url("/feed"))
    assert "br" not in feedserver.request_headers["/feed"][0]["Accept-Encoding"]


async def test_an_unknown_encoding_is_named_without_its_escapes(feedserver: FeedServer) -> None:
    feedserver.add("/feed", Route(body=FEED, headers={"Content-Encoding": "zstd\x1b[31m"}))
    with pytest.raises(FetchError) as caught:
        await get(feedserver.url("/feed"))
    assert str(caught.value) == "the server sent an unsupported content encoding (zstd)"
    assert "\x1b" not in str(caught.value)


@pytest.mark.parametrize("raw_server", [b"HELLO THERE\r\n\r\n"], indirect=True)
async def test_an_answer_that_is_not_http_is_one_line_without_internals_and_not_retried(
    raw_server: RawServer,
) -> None:
    with pytest.raises(FetchError) as caught:
        await get(f"http://127.0.0.1:{raw_server.port}/feed")
    assert str(caught.value) == "127.0.0.1 did not answer in HTTP (a malformed response)"
    assert raw_server.connections == 1


@pytest.mark.parametrize("raw_server", [b"HTTP/1.1 400 Bad\r\n\r\n"], indirect=True)
async def test_tls_to_a_plain_http_port_is_one_line_without_internals(
    raw_server: RawServer,
) -> None:
    with pytest.raises(FetchError) as caught:
        await get(f"https://127.0.0.1:{raw_server.port}/feed")
    message = str(caught.value)
    assert message.startswith("could not connect to 127.0.0.1: the server did not answer in TLS")
    assert "_ssl.c" not in message and "SSL:" not in message
    assert raw_server.connections == 1


@pytest.mark.parametrize(
    "raw_server",
    [
        b"HTTP/1.1 302 Found\r\nLocation: http://x.example/\x1b]8;;evil\x07a\r\nContent-Length: 0\r\n\r\n"
    ],
    indirect=True,
)
async def test_a_redirect_whose_location_holds_an_escape_is_refused_at_once(
    raw_server: RawServer,
) -> None:
    with pytest.raises(FetchError) as caught:
        await get(f"http://127.0.0.1:{raw_server.port}/feed")
    assert str(caught.value) == "the server redirected to an address that is not a URL"
    assert raw_server.connections == 1, "not retried"
