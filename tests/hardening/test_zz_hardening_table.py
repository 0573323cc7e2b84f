"""docs/hardening.md's table is what the kit observed: every bad input, the line, what was kept.

Runs last in the kit (file order). Rows come from the tests that ran in this session; areas no
test observed this time (a partial run with -k) keep their committed rows. With
TUI_READER_WRITE_HARDENING_TABLE=1 the table is rewritten instead of compared.
"""

from __future__ import annotations

import os

import pytest
from hardening_kit import (
    DOC,
    FIGURES,
    OBSERVED,
    figures_rows,
    replace_figures,
    replace_table,
    table_rows,
)

AREAS = (
    "hostile feed (fails)",
    "hostile items (feed ok)",
    "store",
    "terminal",
    "faults",
    "concurrency",
    "load",
    "fuzzing",
    "real-world feeds",
)


def test_docs_table_matches_what_the_kit_observed() -> None:
    observed = list(OBSERVED.values())
    if not observed:
        pytest.skip("run with the rest of the kit (tests/hardening)")
    assert {o.area for o in observed} <= set(AREAS), "add new areas to AREAS"
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    committed = table_rows(doc)
    areas = {o.area for o in observed}
    merged = [r for r in committed if r.area not in areas] + observed
    merged.sort(key=lambda r: AREAS.index(r.area) if r.area in AREAS else len(AREAS))
    if os.environ.get("TUI_READER_WRITE_HARDENING_TABLE") == "1":
        DOC.write_text(replace_table(doc, merged), encoding="utf-8")
        return
    expected = [r for r in merged if r.area in areas]
    have = [r for r in committed if r.area in areas]
    assert have == expected, (
        "docs/hardening.md is out of date with what the kit observes; rerun the kit with "
        "TUI_READER_WRITE_HARDENING_TABLE=1 .venv/bin/python -m pytest tests/hardening"
    )


def test_docs_figures_match_what_the_kit_counted() -> None:
    """The figures table: per suite of inputs, how many were tried, stored, refused, lost..."""
    if not FIGURES:
        pytest.skip("run with the suites that count (tests/hardening)")
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    committed = {row.suite: row for row in figures_rows(doc)}
    merged = {**committed, **FIGURES}
    if os.environ.get("TUI_READER_WRITE_HARDENING_TABLE") == "1":
        DOC.write_text(replace_figures(doc, merged.values()), encoding="utf-8")
        return
    assert {s: committed.get(s) for s in FIGURES} == FIGURES, (
        "docs/hardening.md's figures are out of date with what the kit counted; rerun the kit "
        "with TUI_READER_WRITE_HARDENING_TABLE=1 .venv/bin/python -m pytest tests/hardening"
    )
