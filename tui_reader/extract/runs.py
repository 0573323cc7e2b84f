"""The box model inside a paragraph: its runs (lines between line breaks), judged one by one.

A related-article box is often not a paragraph of its own but a line of one: the paragraph's
text, a `<br>` (or an inline element displayed as a block, which `preclean` turns into line
breaks), then "Label: <a>another article</a>".  Splitting the paragraph into runs lets the block
rules judge the box alone and keep the paragraph's own text.
"""

from __future__ import annotations

from collections.abc import Callable

from tui_reader.extract.convert import RawBlock, RawLink
from tui_reader.models import Removal

# A run's verdict: (rule id, how many runs it covers from this one: 1, or 2 for a label line and
# the link line under it), or None to keep the run.
Verdict = tuple[str, int] | None
RunJudge = Callable[[RawBlock, "RawBlock | None"], Verdict]


def split_runs(block: RawBlock) -> list[RawBlock]:
    """The block's lines as blocks of their own, links re-based; [block] if a link spans lines."""
    text = block.text
    if "\n" not in text or any("\n" in text[lk.start : lk.end] for lk in block.links):
        return [block]
    runs: list[RawBlock] = []
    pos = 0
    for line in text.split("\n"):
        start = pos + len(line) - len(line.lstrip())
        stripped = line.strip()
        pos += len(line) + 1
        if not stripped:
            continue
        end = start + len(stripped)
        links = [
            RawLink(lk.start - start, lk.end - start, lk.href)
            for lk in block.links
            if lk.start >= start and lk.end <= end
        ]
        runs.append(RawBlock(kind=block.kind, text=stripped, links=links))
    return runs


def join_runs(block: RawBlock, runs: list[RawBlock]) -> RawBlock:
    """`block` with only `runs` (in order) as its lines."""
    parts: list[str] = []
    links: list[RawLink] = []
    pos = 0
    for run in runs:
        if parts:
            pos += 1
        links.extend(RawLink(lk.start + pos, lk.end + pos, lk.href) for lk in run.links)
        parts.append(run.text)
        pos += len(run.text)
    return RawBlock(
        kind=block.kind,
        text="\n".join(parts),
        level=block.level,
        attribution=block.attribution,
        links=links,
        keep=block.keep,
    )


def filter_runs(block: RawBlock, judge: RunJudge, removed: list[Removal]) -> RawBlock | None:
    """`block` without its chrome runs (None when every run is chrome), each removal recorded."""
    runs = split_runs(block)
    if len(runs) < 2:
        return block
    kept: list[RawBlock] = []
    j = 0
    while j < len(runs):
        nxt = runs[j + 1] if j + 1 < len(runs) else None
        verdict = judge(runs[j], nxt)
        if verdict is None:
            kept.append(runs[j])
            j += 1
            continue
        rule, span = verdict
        removed.append(Removal(rule, "\n".join(r.text for r in runs[j : j + span])))
        j += span
    if len(kept) == len(runs):
        return block
    return join_runs(block, kept) if kept else None
