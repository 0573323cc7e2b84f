"""`tui-reader fetch` as cron runs it: 50 feeds on loopback, exit codes, quiet output, the lock."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from feedserver import FeedServer, Route, render

from tui_reader.store import Store

SLUGS = ("procesador-nube", "trucos-terminal", "solo-guid", "futuro", "fecha-rara")
N_FEEDS = 50


def serve_sites(server: FeedServer, n: int) -> list[str]:
    urls = []
    for i in range(n):
        base = server.url(f"/s{i}")
        # Distinct titles per site: identical headlines would (rightly) be grouped as one story.
        feed = render("wordpress_es.rss", base).replace(b"<title>", f"<title>Sitio {i}: ".encode())
        server.add(f"/s{i}/feed/", Route(body=feed, etag=f'"s{i}"'))
        for slug in SLUGS:
            body = render(
                "article_page.html",
                base,
                title=f"Sitio {i}: {slug}",
                canonical=f"{base}/2024/05/{slug}/",
            )
            server.add(
                f"/s{i}/2024/05/{slug}/", Route(body=body, content_type="text/html; charset=utf-8")
            )
        urls.append(server.url(f"/s{i}/feed/"))
    return urls


def write_config(tmp_path: Path, feed_urls: list[str]) -> Path:
    lines = [
        "[storage]",
        f'data_dir = "{tmp_path / "data"}"',
        f'cache_dir = "{tmp_path / "cache"}"',
        "[fetch]",
        "retries = 0",
        "total_timeout = 20.0",
    ]
    for url in feed_urls:
        lines += ["[[feeds]]", f'url = "{url}"']
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def fetch(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"NO_PROXY": "127.0.0.1,localhost"}
    return subprocess.run(
        [sys.executable, "-m", "tui_reader", "--config", str(config), "fetch", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def test_cold_then_warm_fetch_of_50_feeds(feedserver: FeedServer, tmp_path: Path) -> None:
    config = write_config(tmp_path, serve_sites(feedserver, N_FEEDS))
    cold = fetch(config)
    assert cold.returncode == 0, cold.stderr
    assert cold.stdout == "" and cold.stderr == "", "quiet under cron when all is well"
    pages_cold = sum(n for p, n in feedserver.requests.items() if "/2024/" in p)
    with Store(tmp_path / "data", tmp_path / "cache") as store:
        stored = {r.id for i in range(N_FEEDS) for r in store.rows(feedserver.url(f"/s{i}/feed/"))}
    assert len(stored) >= 3 * N_FEEDS
    assert pages_cold > 0

    feedserver.requests.clear()
    warm = fetch(config, "--json")
    assert warm.returncode == 0, warm.stderr
    *feeds, report = [json.loads(line) for line in warm.stdout.splitlines()]
    assert len(feeds) == N_FEEDS and all(f["outcome"] == "not_modified" for f in feeds)
    assert report["summary"]["not_modified"] == N_FEEDS
    assert report["summary"]["new_entries"] == 0
    assert sum(n for p, n in feedserver.requests.items() if "/2024/" in p) == 0, "no page fetched"
    assert all(
        h.get("If-None-Match") == f'"s{i}"'
        for i in range(N_FEEDS)
        for h in feedserver.request_headers[f"/s{i}/feed/"][-1:]
    ), "conditional requests carry the stored ETag"


def test_a_failing_feed_is_one_stderr_line_and_exit_1(
    feedserver: FeedServer, tmp_path: Path
) -> None:
    urls = serve_sites(feedserver, 2)
    feedserver.add("/missing", Route(status=404))
    config = write_config(tmp_path, [*urls, feedserver.url("/missing")])
    proc = fetch(config, "--no-fulltext")
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and "/missing" in lines[0] and "404" in lines[0]
    assert "Traceback" not in proc.stderr


def test_verbose_prints_the_summary_line(feedserver: FeedServer, tmp_path: Path) -> None:
    config = write_config(tmp_path, serve_sites(feedserver, 1))
    proc = fetch(config, "-v", "--no-fulltext")
    assert proc.returncode == 0
    *details, summary = proc.stderr.splitlines()
    assert re.fullmatch(
        r"1 feeds ok, 0 failed, 0 not modified; 6 new entries, \d extracted", summary
    )
    # -v also names what was left out of the feed (its item without a link, its repeated guid)
    assert details and all(" item skipped: " in line for line in details), proc.stderr


def test_second_fetch_exits_75_while_the_lock_is_held(
    feedserver: FeedServer, tmp_path: Path
) -> None:
    config = write_config(tmp_path, serve_sites(feedserver, 1))
    with Store(tmp_path / "data", tmp_path / "cache") as store, store.fetch_lock():
        proc = fetch(config)
    assert proc.returncode == 75
    assert "another fetch" in proc.stderr


@pytest.mark.parametrize("command", ["fetch --no-fulltext"])
def test_fetch_never_imports_textual(feedserver: FeedServer, tmp_path: Path, command: str) -> None:
    config = write_config(tmp_path, serve_sites(feedserver, 1))
    code = (
        "import sys\nfrom tui_reader.cli import main\n"
        f"rc = main(['--config', {str(config)!r}, *{command.split()!r}])\n"
        "print('TEXTUAL' if 'textual' in sys.modules else 'CLEAN', file=sys.stderr)\nsys.exit(rc)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().endswith("CLEAN")
