"""One fetch over 2,000 feeds on 50 loopback hosts: bounded memory, per-host limit on the wire."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from feedserver import Route
from hardening_kit import HostileServer, Item, cli_popen, record, rss, write_config

from tui_reader.store import Store

FEEDS = 2000
HOSTS = 50
PER_HOST = 2
RSS_LIMIT_MB = 400


def _hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    """Descendant processes of `pid` (the extraction pool and its forkserver)."""
    found: list[int] = []
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            kids = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        found.extend(int(k) for k in kids)
        todo.extend(int(k) for k in kids)
    return found


@pytest.mark.slow
def test_2000_feeds_in_one_fetch(tmp_path: Path) -> None:
    servers: list[HostileServer] = []
    try:
        for h in range(HOSTS):
            try:
                server = HostileServer(f"127.0.0.{h + 2}").start()
            except OSError:
                pytest.skip("cannot bind the 127.0.0.0/8 loopback range here")
            servers.append(server)
        urls = []
        for i in range(FEEDS):
            server = servers[i % HOSTS]
            base = server.url(f"/s{i}")
            items = [
                Item(f"Sitio {i}: historia {k}", f"{base}/h{k}", guid=f"{i}-{k}") for k in range(2)
            ]
            server.add(f"/s{i}/feed", Route(body=rss(f"Sitio {i}", base + "/", items)))
            urls.append(server.url(f"/s{i}/feed"))
        config = write_config(
            tmp_path,
            urls,
            fetch={"per_host": PER_HOST, "concurrency": 16, "workers": 2, "total_timeout": 30.0},
        )
        began = time.monotonic()
        proc = cli_popen(config, "fetch", "--no-fulltext")
        main_hwm = 0
        done = threading.Event()

        workers_hwm = 0

        def watch() -> None:
            nonlocal main_hwm, workers_hwm
            while not done.is_set():
                main_hwm = max(main_hwm, _hwm_kb(proc.pid))
                for child in _children(proc.pid):
                    workers_hwm = max(workers_hwm, _hwm_kb(child))
                done.wait(0.1)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        stdout = proc.stdout
        stderr = proc.stderr
        assert stdout is not None and stderr is not None
        _, status, _usage = os.wait4(proc.pid, 0)
        done.set()
        watcher.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = stderr.read().decode()
        stdout.close()
        stderr.close()
        elapsed = time.monotonic() - began
        assert proc.returncode == 0, err[-2000:]
        assert err == ""
        # VmHWM after exec; wait4's ru_maxrss would also count the fork of this big pytest.
        assert main_hwm > 0, "could not read /proc/PID/status"
        peak_mb = max(main_hwm, workers_hwm) / 1024
        print(
            f"{FEEDS} feeds in {elapsed:.1f} s; peak RSS {main_hwm / 1024:.0f} MB "
            f"(largest worker {workers_hwm / 1024:.0f} MB)"
        )
        assert peak_mb < RSS_LIMIT_MB
        busiest = max(max(s.max_active.values(), default=0) for s in servers)
        assert 1 <= busiest <= PER_HOST, busiest
        assert sum(sum(s.requests.values()) for s in servers) == FEEDS
        with Store(tmp_path / "data", tmp_path / "cache") as store:
            assert sum(len(store.rows(u)) for u in urls[:: FEEDS // 20]) == 2 * 20
        record(
            "load",
            f"{FEEDS} feeds on {HOSTS} loopback hosts in one fetch (per_host = {PER_HOST})",
            "nothing (exit 0)",
            f"all entries; peak RSS under {RSS_LIMIT_MB} MB; at most {PER_HOST} connections per "
            "host on the wire",
        )
    finally:
        for server in servers:
            server.stop()
