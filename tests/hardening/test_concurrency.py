"""A fetch holding the lock, a second fetch, and readers listing and showing all the while."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from feedserver import Route
from hardening_kit import (
    HostileServer,
    Item,
    cli,
    cli_env,
    cli_popen,
    normalise,
    record,
    rss,
    write_config,
)

READERS = 10
FEEDS = 200
LINKS = 3
# Each article: paragraphs, three links, and a last line that says where it ends.
PARA = "Un párrafo del artículo con texto suficiente para que el extractor lo conserve entero. "


def content(name: str, k: int) -> str:
    links = " ".join(
        f"<a href='https://fuente{j}.example/{name}/{k}'>fuente {j}</a>" for j in range(LINKS)
    )
    return (
        f"<p>{PARA * 8}</p><p>{PARA * 4} Según {links}.</p><p>{PARA * 8}</p>"
        f"<p>Fin del artículo {name} {k}.</p>"
    )


READER = r"""
import io, json, sys, time
from contextlib import redirect_stdout, redirect_stderr
from tui_reader.cli import main

config, stop_file, out_file = sys.argv[1:4]
problems, shows, lists, searches = [], 0, 0, 0

def run(*args):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["--config", config, *args])
    return code, out.getvalue(), err.getvalue()

import os
parent = os.getppid()
# Also stop when the test is gone (killed): a reader never outlives its test.
while not os.path.exists(stop_file) and os.getppid() == parent:
    code, found, err = run("search", "Historia", "--json", "--limit", "20")
    searches += 1
    if code not in (0, 1) or err:  # 1: nothing found yet
        problems.append(f"search: {code} {err!r}")
    code, out, err = run("list", "--json")
    lists += 1
    if code != 0 or err:
        problems.append(f"list: {code} {err!r}")
        continue
    for line in out.splitlines()[:8]:
        entry = json.loads(line)
        code, shown, err = run("show", entry["id"], "--json")
        if code != 0 or err:
            problems.append(f"show {entry['id']}: {code} {err!r}")
            continue
        article = json.loads(shown)
        shows += 1
        if article["source"] == "summary":
            continue
        name_k = article["title"].split()[-2:]
        if f"Fin del artículo {' '.join(name_k)}." not in article["text"]:
            problems.append(f"show {entry['id']}: text incomplete")
        if len(article["links"]) != 3:
            problems.append(f"show {entry['id']}: {len(article['links'])} links")
json.dump(
    {"problems": problems, "shows": shows, "lists": lists, "searches": searches},
    open(out_file, "w"),
)
"""


def _wait_until_it_holds_the_lock(fetch: subprocess.Popen[bytes], lock: Path) -> None:
    """Until the fetch has written its pid into the lock it took: under load, starting Python
    can take longer than any fixed pause, and a second fetch started before the first took the
    lock would rightly fetch instead of exiting 75."""
    deadline = time.monotonic() + 300
    while lock.read_text(encoding="utf-8").strip() != str(fetch.pid):
        assert fetch.poll() is None, "the fetch ended before it held the lock"
        assert time.monotonic() < deadline, "the fetch never took the lock"
        time.sleep(0.05)


def test_second_fetch_exits_75_and_readers_never_see_locks_or_half_articles(
    hostile_server: HostileServer, tmp_path: Path
) -> None:
    urls = []
    for i in range(FEEDS):
        name = f"f{i}"
        base = hostile_server.url(f"/{name}")
        items = [
            Item(
                f"Historia {name} {k}", f"{base}/h{k}", guid=f"{name}-{k}", content=content(name, k)
            )
            for k in range(6)
        ]
        # Slow answers keep the fetch (and its lock) alive while the readers run and a second
        # fetch starts (200 feeds, 2 at a time: about 20 s however fast the machine).
        hostile_server.add(f"/{name}/feed", Route(body=rss(name, base + "/", items), delay=0.2))
        urls.append(hostile_server.url(f"/{name}/feed"))
    # Ten readers share two cores with the fetch: its timeouts allow for that.
    slow_machine = {"total_timeout": 60.0, "read_timeout": 30.0, "connect_timeout": 30.0}
    config = write_config(tmp_path, urls, fetch={"fulltext": "auto", "per_host": 2, **slow_machine})
    # A first small fetch, so the readers have something to show from the start.
    warm = write_config(
        tmp_path, urls[:1], name="warm.toml", fetch={"fulltext": "auto", **slow_machine}
    )
    assert cli(warm, "fetch", timeout=600).returncode == 0

    stop = tmp_path / "stop"
    script = tmp_path / "reader.py"
    script.write_text(READER, encoding="utf-8")
    readers = [
        subprocess.Popen(
            [sys.executable, str(script), str(config), str(stop), str(tmp_path / f"r{i}.json")],
            env=cli_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in range(READERS)
    ]
    reports = []
    fetch = cli_popen(config, "fetch")
    try:
        _wait_until_it_holds_the_lock(fetch, tmp_path / "data" / "fetch.lock")
        second = cli(config, "fetch", timeout=600)
        # 75 and not 0: had it waited for the lock, it would have taken it and fetched.
        assert second.returncode == 75, second.stderr
        line = second.stderr.decode().strip()
        assert "another fetch holds" in line and len(line.splitlines()) == 1
        _, err = fetch.communicate(timeout=600)
        assert fetch.returncode == 0, err
        stop.write_text("")
        for i, reader in enumerate(readers):
            _, reader_err = reader.communicate(timeout=300)
            assert reader.returncode == 0, reader_err.decode()
            assert b"locked" not in reader_err, reader_err
            reports.append(json.loads((tmp_path / f"r{i}.json").read_text()))
    finally:
        # A failed assertion must not leave ten readers looping for ever.
        stop.write_text("")
        for process in [fetch, *readers]:
            if process.poll() is None:
                process.kill()
                process.wait()
    problems = [p for r in reports for p in r["problems"]]
    commands = sum(r["shows"] + r["lists"] + r["searches"] for r in reports)
    print(f"{READERS} readers, {commands} commands during the fetch, {len(problems)} errors")
    assert not problems, f"{len(problems)} errors in {commands} commands: {problems[:5]}"
    shows = sum(r["shows"] for r in reports)
    assert shows >= READERS * 5, reports
    record(
        "concurrency",
        "a second `fetch` while one holds the lock",
        normalise(line, {str(tmp_path): "DIR"}),
        "exit 75 at once; the running fetch completes",
    )
    record(
        "concurrency",
        f"{READERS} processes looping `search`, `list --json` and `show --json` during a fetch "
        f"of {FEEDS} feeds",
        "no `database is locked`, no error (every command's errors counted: 0); every article "
        "complete (text to its last line, all links)",
        "every article as the fetch wrote it",
    )
