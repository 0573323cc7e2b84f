"""Hardening kit fixtures: the observation registry behind docs/hardening.md, servers.

Tests record what a person sees for each hostile input (`hardening_kit.record`); the last module of the kit,
test_zz_hardening_table.py, compares those rows with the table committed in docs/hardening.md, or
rewrites it when TUI_READER_WRITE_HARDENING_TABLE=1.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hardening_kit import HostileServer


@pytest.fixture
def hostile_server() -> Iterator[HostileServer]:
    server = HostileServer().start()
    try:
        yield server
    finally:
        server.stop()
