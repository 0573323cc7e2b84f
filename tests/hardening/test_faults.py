"""Faults: SIGKILL at random instants, a full disk during a fetch, a partly corrupted store file."""

from __future__ import annotations

import contextlib
import itertools
import os
import random
import re
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from feedserver import Route
from hardening_kit import (
    Dynamic,
    HostileServer,
    Item,
    assert_kept,
    cli,
    cli_popen,
    marked_env,
    marked_processes,
    normalise,
    record,
    rss,
    snapshot,
    wait_until_none_left,
    write_config,
)

from tui_reader.store import Store

KILLS = 30
SEED = 20261124
BODY = "<p>" + "Texto largo del artículo sobre procesadores y terminales. " * 30 + "</p>"


def churning_feeds(server: HostileServer, names: str = "abcd") -> list[str]:
    """Feeds whose items move on at every request, so every fetch has something to write."""
    counter = itertools.count()
    urls = []
    for name in names:
        base = server.url(f"/{name}")

        def body(name: str = name, base: str = base) -> bytes:
            n = next(counter)
            items = [
                Item(
                    f"{name} historia {k}",
                    f"{base}/h{k}",
                    guid=f"{name}{k}",
                    content=BODY + f"<p>{name} {k}</p>",
                )
                for k in range(n % 9, n % 9 + 5)
            ]
            return rss(name, base + "/", items)

        server.add(f"/{name}/feed", Dynamic(make=body))
        urls.append(server.url(f"/{name}/feed"))
    return urls


def kill_all(processes: list[str]) -> None:
    """SIGKILL the processes a failed check found (`pid cmdline`), so none outlives the test."""
    for line in processes:
        with contextlib.suppress(OSError):
            os.kill(int(line.split()[0]), signal.SIGKILL)


def test_sigkill_at_random_instants_never_damages_the_store(
    hostile_server: HostileServer, tmp_path: Path
) -> None:
    urls = churning_feeds(hostile_server)
    # Slow feeds keep the run (and its process pool) going after the others are extracted.
    for name in ("slow1", "slow2"):
        base = hostile_server.url(f"/{name}")
        body = rss(name, base + "/", [Item(f"{name} historia", f"{base}/h", content=BODY)])
        hostile_server.add(f"/{name}/feed", Route(body=body, delay=1.5))
        urls.append(hostile_server.url(f"/{name}/feed"))
    config = write_config(tmp_path, urls, fetch={"fulltext": "auto", "read_timeout": 5.0})
    data, cache = tmp_path / "data", tmp_path / "cache"
    first = cli(config, "fetch")
    assert first.returncode == 0, first.stderr
    rng = random.Random(SEED)
    start = time.monotonic()
    completed = 0
    with_children = 0  # kills that found the fetch's pool (workers, fork server) running
    for kill in range(KILLS):
        with Store(data, cache) as store:  # user state moves on between runs
            ids = sorted(store.all_rows(urls), key=lambda r: r.id)
            store.set_read([r.id for r in ids if rng.random() < 0.3])
            if ids:
                store.set_starred(rng.choice(ids).id, True)
        before = snapshot(data, cache, urls)
        marker = f"{tmp_path.name}-{kill}"
        proc = cli_popen(
            config,
            "fetch",
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=marked_env(marker),
        )
        time.sleep(rng.uniform(0.02, 2.0))
        with_children += len(marked_processes(marker)) > 1
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        left = wait_until_none_left(marker)
        kill_all(left)
        assert not left, f"kill {kill}: processes of the killed fetch left running: {left}"
        after = snapshot(data, cache, urls)  # opens, and every row names a stored entry
        assert_kept(before, after)
        if kill % 10 == 9:
            done = cli(config, "fetch")
            assert done.returncode == 0, (kill, done.stderr)
            assert done.stderr == b"", done.stderr
            completed += 1
    final = cli(config, "fetch")
    assert final.returncode == 0 and final.stderr == b""
    with Store(data, cache) as store:
        assert not store.check(), store.check()
    elapsed = time.monotonic() - start
    record(
        "faults",
        f"SIGKILL of `tui-reader fetch` at {KILLS} random instants (seeded), one store",
        "nothing (the process and its workers, fork server and resource tracker are gone: "
        "0 left after any kill); the next fetch runs normally, exit 0",
        f"every entry, article, read and starred flag held before each kill; "
        f"`doctor`'s check finds no problem ({completed + 1} full fetches checked)",
    )
    print(f"{KILLS} kills in {elapsed:.1f} s, {with_children} while its pool was running")


# -- a full disk -------------------------------------------------------------------------------


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[bool]:
    path.mkdir(parents=True, exist_ok=True)
    try:
        proc = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
            capture_output=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        yield False
        return
    if proc.returncode != 0:
        yield False
        return
    try:
        yield True
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True, timeout=10)


def fill(path: Path, leave: int) -> None:
    """Fill the file system of `path` until only about `leave` bytes are free."""
    stat = os.statvfs(path)
    free = stat.f_bavail * stat.f_frsize
    with open(path / "filler", "wb") as fh, contextlib.suppress(OSError):
        fh.write(b"\0" * max(0, free - leave))


def test_a_full_disk_during_fetch_is_one_line_and_the_store_survives(
    hostile_server: HostileServer, tmp_path: Path
) -> None:
    disk = tmp_path / "disk"
    with tmpfs(disk, "8m") as mounted:
        if not mounted:
            pytest.skip("cannot mount a tmpfs here (needs root)")
        urls = churning_feeds(hostile_server, "ab")
        config = write_config(disk, urls, fetch={"fulltext": "auto"})
        data, cache = disk / "data", disk / "cache"
        first = cli(config, "fetch")
        assert first.returncode == 0, first.stderr
        with Store(data, cache) as store:
            some = [r.id for r in store.all_rows(urls)][:3]
            store.set_read(some)
            store.set_starred(some[0], True)
        before = snapshot(data, cache, urls)
        seen = []
        # No room at all (the store cannot even open), then a little room (the fetch starts and
        # its writes fail part way).
        for leave in (0, 150_000):
            fill(disk, leave)
            full = cli(config, "fetch")
            err = full.stderr.decode()
            lines = err.splitlines()
            assert full.returncode == 1, err
            assert "Traceback" not in err and "Logging error" not in err, err
            assert len(lines) == 1, err
            assert "the disk is full" in lines[0] and "doctor" not in lines[0], err
            seen.append(lines[0])
            listing = cli(config, "list")
            assert listing.returncode in (0, 1) and "Traceback" not in listing.stderr.decode()
            (disk / "filler").unlink()
            assert_kept(before, snapshot(data, cache, urls))
        again = cli(config, "fetch")
        assert again.returncode == 0, again.stderr
        assert_kept(before, snapshot(data, cache, urls))
        for leave, line in zip((0, 150_000), seen, strict=True):
            record(
                "faults",
                f"the disk is full during a fetch (tmpfs, {leave:,} bytes left)",
                re.sub(r"/store/\w+:", "/store/NAME:", normalise(line, {str(disk): "DIR"})),
                "every entry, article, read and starred flag; the next fetch with space works",
            )


# -- a partly corrupted store file -------------------------------------------------------------


def _damage_middle_pages(db: Path, pages: int = 3) -> None:
    with sqlite3.connect(db) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = db.stat().st_size
    count = size // page_size
    assert count >= 8, f"the store is too small to damage in the middle ({count} pages)"
    with open(db, "r+b") as fh:
        for page in range(count // 2, count // 2 + pages):
            fh.seek(page * page_size + 16)
            fh.write(random.Random(page).randbytes(page_size - 32))


def test_doctor_repairs_a_store_with_damaged_middle_pages(
    hostile_server: HostileServer, tmp_path: Path
) -> None:
    urls = churning_feeds(hostile_server, "abcdefgh")
    config = write_config(tmp_path, urls, fetch={"fulltext": "auto"})
    data, cache = tmp_path / "data", tmp_path / "cache"
    for _ in range(3):
        assert cli(config, "fetch").returncode == 0
    with Store(data, cache) as store:
        ids = sorted(r.id for r in store.all_rows(urls))
        store.set_read(ids[::2])
        for eid in ids[:3]:
            store.set_starred(eid, True)
        read, starred = store.read_ids(), store.starred_ids()
    db = data / "store" / "main" / "cache.db"
    _damage_middle_pages(db)
    listing = cli(config, "list")
    err = listing.stderr.decode()
    if listing.returncode != 0:
        assert str(db) in err and "tui-reader doctor" in err and "Traceback" not in err, err
        assert len(err.splitlines()) == 1, err
    show = cli(config, "status")
    assert "Traceback" not in show.stderr.decode(), show.stderr
    doctor = cli(config, "doctor")
    out = doctor.stdout.decode()
    assert doctor.returncode == 0, doctor.stderr
    assert "Traceback" not in doctor.stderr.decode()
    assert "set aside" in out, out
    with Store(data, cache) as store:
        assert store.read_ids() == read and store.starred_ids() == starred
        assert not store.check(), store.check()
        left = {r.id for r in store.all_rows(urls)}
        for eid in left:
            assert store.entry(eid) is not None
    again = cli(config, "fetch")
    assert again.returncode == 0, again.stderr
    with Store(data, cache) as store:
        assert store.read_ids() == read and store.starred_ids() == starred
    record(
        "faults",
        "3 damaged pages in the middle of store/main/cache.db",
        # Which rows the damaged pages hold varies from run to run (timestamps, page splits), so
        # `list` may work or fail; either way the test above held it to its contract. The table
        # states that contract, not whichever of the two this run met.
        "a `list` works or says in one line that DIR/data/store/main/cache.db is damaged and to run "
        "`tui-reader doctor`; `doctor` sets the file aside and salvages the readable rows",
        "read and starred flags intact; `doctor` check clean; the next fetch refills entries",
    )
