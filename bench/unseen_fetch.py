"""The unseen translated-news corpus through the whole pipeline: feeds, fetch, site stats, store.

    .venv/bin/python bench/unseen_fetch.py [--set a|b] [--out bench/out/unseen-fetch]
        [--eval-dir ../shared/eval]

Each site of `bench/unseen_news.py` is served by its own loopback HTTP server (127.0.0.2x, an
ephemeral port), with an RSS feed of its pages (short descriptions: the pages are fetched).
`tui_reader.pipeline.update` fetches every feed into a fresh store on a temporary directory,
with its site statistics, as `tui-reader fetch` does; the stored articles (what `show` prints)
are written as `pred-fetch.json` in the corpus format.  Then `reextract` extracts the stored pages
again offline with the statistics the fetch left (what the next fetch of the site knows):
`pred-reextract.json`.  Both are scored with `score.py` when the eval dir is there.
`--set b`: the sites written after the rules (tests/data/unseen-news-b), into `<out>-b`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.unseen_news import SITES, SITES_B, Page, Site, build, feed_xml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "unseen-news"
CORPUS_B = ROOT / "tests" / "data" / "unseen-news-b"


def _handler(routes: dict[str, tuple[str, bytes]]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = routes.get(self.path)
            if found is None:
                self.send_error(404)
                return
            kind, body = found
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve(sites: tuple[Site, ...], pages: list[Page]) -> Iterator[dict[str, tuple[str, str]]]:
    """Serve every site; yields {site host: (feed URL, base URL)}; stops the servers after."""
    servers: list[ThreadingHTTPServer] = []
    where: dict[str, tuple[str, str]] = {}
    try:
        for n, site in enumerate(sites):
            routes: dict[str, tuple[str, bytes]] = {}
            server = ThreadingHTTPServer((f"127.0.0.{20 + n}", 0), _handler(routes))
            base = f"http://127.0.0.{20 + n}:{server.server_address[1]}"
            mine = [p for p in pages if p.url.split("/")[2] == site.host]
            for p in mine:
                path = p.url.split(site.host, 1)[1]
                routes[path] = ("text/html; charset=utf-8", p.html.encode("utf-8"))
            routes["/feed.xml"] = ("application/rss+xml", feed_xml(site, mine, base).encode())
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
            where[site.host] = (f"{base}/feed.xml", base)
        yield where
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def _record(article: object) -> dict[str, object]:
    from tui_reader.models import Article

    assert isinstance(article, Article)
    return {
        "text": "\n".join(b.text for b in article.blocks),
        "title": article.title or None,
        "blocks": [{"type": b.kind, "text": b.text} for b in article.blocks],
        "links": [{"text": lk.text, "href": lk.href} for lk in article.links],
    }


def _preds(
    store: object, pages: list[Page], where: dict[str, tuple[str, str]]
) -> dict[str, object]:
    from tui_reader.feeds.links import canonical_url, entry_id
    from tui_reader.store import Store

    assert isinstance(store, Store)
    out: dict[str, object] = {}
    for p in pages:
        host = p.url.split("/")[2]
        url = where[host][1] + p.url.split(host, 1)[1]
        article = store.article(entry_id(canonical_url(url)))
        out[p.doc_id] = _record(article) if article is not None else {"text": ""}
    return out


def run(out: Path, sites: tuple[Site, ...] = SITES) -> list[Path]:
    from tui_reader.config import Config, FeedConfig, FetchConfig, StorageConfig
    from tui_reader.pipeline import reextract, update
    from tui_reader.store import Store

    pages = build(sites=sites)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp, serve(sites, pages) as where:
        storage = StorageConfig(
            data_dir=Path(tmp) / "data", cache_dir=Path(tmp) / "cache", state_dir=Path(tmp)
        )
        feeds = tuple(FeedConfig(url=feed, title=host) for host, (feed, _) in where.items())
        config = Config(storage=storage, fetch=FetchConfig(workers=1), feeds=feeds)
        store = Store(storage.data_dir, storage.cache_dir)
        try:
            summary = asyncio.run(update(config, store))
            bad = [r for r in summary.results if r.outcome != "ok"]
            if bad:
                print(f"feeds not fetched: {bad}", file=sys.stderr)
            for name, preds in (("fetch", _preds(store, pages, where)),):
                path = out / f"pred-{name}.json"
                path.write_text(json.dumps(preds, ensure_ascii=False), encoding="utf-8")
                written.append(path)
            reextract(config, store)
            path = out / "pred-reextract.json"
            path.write_text(
                json.dumps(_preds(store, pages, where), ensure_ascii=False), encoding="utf-8"
            )
            written.append(path)
        finally:
            store.close()
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "unseen-fetch"))
    ap.add_argument("--eval-dir", default=str(ROOT.parent / "shared" / "eval"))
    ap.add_argument("--set", choices=("a", "b"), default="a", help="b: the sites written after")
    args = ap.parse_args(argv)
    set_b = args.set == "b"
    corpus = CORPUS_B if set_b else CORPUS
    written = run(Path(args.out + ("-b" if set_b else "")), SITES_B if set_b else SITES)
    score = Path(args.eval_dir) / "score.py"
    for path in written:
        print(path)
        if score.exists():
            cmd = [sys.executable, str(score), "--corpus", str(corpus), "--pred", str(path)]
            res = subprocess.run(cmd, capture_output=True, text=True, check=False)
            print("  " + (res.stdout.strip().splitlines() or ["(no output)"])[-1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
