"""A store on a read-only file system, and a read-only cache dir: read as it is, fetch refused in
one line (or run with pages kept for the run only), nothing lost, the next run recovers."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from hardening_kit import (
    FORBIDDEN,
    HostileServer,
    assert_kept,
    cli,
    good_feed,
    normalise,
    record,
    snapshot,
    write_config,
)

from tui_reader.store import Store


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """`path` on a read-only file system (a read-only bind mount; root only), for the block."""
    try:
        done = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True)
    except OSError:
        pytest.skip("cannot mount here (no mount command)")
    if done.returncode != 0:
        pytest.skip(f"cannot bind-mount here (needs root): {done.stderr.decode().strip()}")
    try:
        remount = subprocess.run(["mount", "-o", "remount,bind,ro", str(path)], capture_output=True)
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only: {remount.stderr.decode().strip()}")
        assert not os.access(path, os.W_OK)
        yield
    finally:
        subprocess.run(["umount", str(path)], capture_output=True)


@pytest.fixture
def fetched(hostile_server: HostileServer, tmp_path: Path) -> tuple[Path, list[str]]:
    urls = [good_feed(hostile_server, name) for name in ("ro1", "ro2")]
    # Generous timeouts: this machine may be shared (a loaded CPU is not what is tested here).
    slow = {"total_timeout": 60.0, "read_timeout": 30.0, "connect_timeout": 30.0}
    config = write_config(tmp_path, urls, fetch=slow)
    first = cli(config, "fetch")
    assert first.returncode == 0, first.stderr
    with Store(tmp_path / "data", tmp_path / "cache") as store:
        rows = store.all_rows(urls)
        store.set_read([rows[0].id])
        store.set_starred(rows[1].id, True)
    return config, urls


def _clean(proc: subprocess.CompletedProcess[bytes]) -> str:
    err = proc.stderr.decode()
    assert "Traceback" not in err and not FORBIDDEN.search(err + proc.stdout.decode()), err
    return err


def test_a_read_only_data_dir_is_read_as_it_is_and_fetch_refused_in_a_line(
    fetched: tuple[Path, list[str]], tmp_path: Path
) -> None:
    config, urls = fetched
    data, cache = tmp_path / "data", tmp_path / "cache"
    before = snapshot(data, cache, urls)
    with read_only(data):
        listing = cli(config, "list", "--json")
        lines = _clean(listing).splitlines()
        assert listing.returncode == 0 and len(lines) == 1 and "read-only" in lines[0], lines
        ids = [json.loads(line)["id"] for line in listing.stdout.decode().splitlines()]
        assert sorted(ids) == sorted(before.entries), "every entry listed"
        shown = cli(config, "show", ids[0], "--json")
        assert shown.returncode == 0, _clean(shown)
        found = cli(config, "search", "Noticia", "--json")
        assert found.returncode == 0 and found.stdout, _clean(found)
        fetch = cli(config, "fetch")
        fetch_lines = _clean(fetch).splitlines()
        assert fetch.returncode == 1 and len(fetch_lines) == 1, fetch_lines
        assert "read-only" in fetch_lines[0] and "doctor" not in fetch_lines[0]
    assert_kept(before, snapshot(data, cache, urls))
    again = cli(config, "fetch")
    assert again.returncode == 0 and again.stderr == b"", again.stderr
    names = {str(tmp_path): "DIR"}
    record(
        "faults",
        "the data dir on a read-only file system: `list`, `show`, `search`",
        normalise(lines[0], names),
        "the store is read from a temporary copy: every entry, read and starred flag shown",
    )
    record(
        "faults",
        "the data dir on a read-only file system: `fetch`",
        normalise(fetch_lines[0], names),
        "nothing written, nothing lost; once writable, the next fetch runs normally",
    )


def test_a_read_only_cache_dir_stops_nothing(
    fetched: tuple[Path, list[str]], tmp_path: Path
) -> None:
    config, urls = fetched
    data, cache = tmp_path / "data", tmp_path / "cache"
    before = snapshot(data, cache, urls)
    with read_only(cache):
        fetch = cli(config, "fetch")
        lines = _clean(fetch).splitlines()
        assert fetch.returncode == 0 and len(lines) == 1 and "read-only" in lines[0], lines
        listing = cli(config, "list", "--json")
        assert listing.returncode == 0 and listing.stdout, _clean(listing)
    assert_kept(before, snapshot(data, cache, urls))
    record(
        "faults",
        "a read-only cache dir (evictable pages): `fetch` and `list`",
        normalise(lines[0], {str(tmp_path): "DIR"}),
        "fetch and list run; pages are kept for that run only; the store is untouched",
    )
