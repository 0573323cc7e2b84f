"""The benchmark runner works end to end on a tiny corpus; nothing here is timed.

`bench/run.py --quick` fetches 5 loopback feeds with `tui-reader fetch` (and newsboat when it is
installed), extracts, starts the reader under a pseudo-terminal and prints one markdown table.
"""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.corpus import Corpus, site_address  # noqa: E402
from bench.run import percentile  # noqa: E402
from bench.server import BenchServer  # noqa: E402

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy
HEADER = "| benchmark | tui-reader | comparison | ratio | target | met |"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", *args],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
    )


@pytest.mark.slow
def test_quick_run_prints_the_whole_table() -> None:
    proc = _run()
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout
    assert HEADER in out
    for row in (
        "| cold fetch, feeds only, 0 ms |",
        "| warm fetch (all 304), 0 ms |",
        "| cold fetch, full text, 0 ms |",
        "| fetch peak memory, full text, 0 ms |",
        "| extraction, pages/s",
        "| reader start-up to rows, 300 entries |",
        "| reader peak RSS, 300 entries |",
        "| cursor move, key to frame, 300 entries |",
    ):
        assert row in out, f"missing row {row!r} in:\n{out}"
    assert "- machine: " in out and "- versions: " in out and "- command: " in out
    # every fetch did what it should: all feeds fetched, then all 304
    assert "5 ok / 0 304 / 0 failed, 20 new" in out
    assert "0 ok / 5 304 / 0 failed, 0 new" in out
    assert "never showed rows" not in out


def test_quick_fetch_without_newsboat() -> None:
    proc = _run("--only", "fetch", "--no-newsboat")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert HEADER in proc.stdout
    assert "newsboat n/a" in proc.stdout


def test_corpus_is_deterministic_and_shaped_like_news() -> None:
    a = Corpus(4, 3, seed=7, port=8000)
    b = Corpus(4, 3, seed=7, port=8000)
    assert [a.feed_bytes(s) for s in a.sites] == [b.feed_bytes(s) for s in b.sites]
    assert {s.fmt for s in a.sites} == {"rss", "atom"}
    assert sum(s.full for s in a.sites) == 2
    site, item = a.pages_needing_extraction()[0]
    page = a.page_bytes(site, item)
    assert page == b.page_bytes(b.sites[site.index], b.sites[site.index].items[item.index])
    html = page.decode()
    assert 60_000 <= len(page) <= 110_000
    for marker in ("<nav", "<aside", "<footer", "Recomendado:", "<blockquote", "share-bar"):
        assert marker in html
    full = next(s for s in a.sites if s.full)
    assert (b"content:encoded" if full.fmt == "rss" else b"<content") in a.feed_bytes(full)


def test_server_conditional_get_and_gzip() -> None:
    with BenchServer([site_address(0), site_address(1)], max_seconds=30) as server:
        server.source = corpus = Corpus(2, 2, port=server.port)
        url = corpus.sites[1].feed_url
        req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
        with OPENER.open(req, timeout=10) as resp:
            etag = resp.headers["ETag"]
            assert resp.headers["Content-Encoding"] == "gzip"
            assert b"<feed" in gzip.decompress(resp.read())
        req = urllib.request.Request(url, headers={"If-None-Match": etag})
        with pytest.raises(urllib.error.HTTPError) as info:
            OPENER.open(req, timeout=10)
        assert info.value.code == 304
        with pytest.raises(urllib.error.HTTPError) as info:
            OPENER.open(corpus.sites[0].base + "/nope", timeout=10)
        assert info.value.code == 404
        server.call(lambda: None)
        stats = server.stats
        assert stats.count("feed", 200) == 1 and stats.count("feed", 304) == 1
        assert stats.count("other", 404) == 1
    with pytest.raises(ValueError):
        BenchServer(["10.0.0.1"])


def test_percentile() -> None:
    assert percentile([], 0.5) is None
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 0.5) == 3.0
    assert percentile([10.0] * 19 + [100.0], 0.95) == pytest.approx(14.5)


def test_cpu_timeline_reports_the_tree_and_passes_the_exit_code_on() -> None:
    child = "import subprocess, sys; subprocess.run([sys.executable, '-c', 'sum(range(3*10**7))'])"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "cpu_timeline.py"), "--interval", "0.05", "--",
         sys.executable, "-c", child + "; sys.exit(3)"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 3, done.stderr
    assert "total CPU" in done.stderr and "exit 3" in done.stderr
    # the command's own process and the child it started are both listed, with their CPU
    processes = re.findall(r"^ +[0-9.]+ s  [0-9]+ ", done.stderr, re.MULTILINE)
    assert len(processes) == 2, done.stderr
