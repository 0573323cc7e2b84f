"""Time to open an article in the reader, headless under Textual's Pilot: pending or stored.

    python bench/open_probe.py --config PATH [--opens 100] [--size 120x40]

Opens the reader on the store the config names, waits for the entry list's rows, then opens
entries one after another as Enter would (`open_entry`): first `--opens` whose article is still
pending (a full-content feed item not yet converted: the reader converts and stores it in its
worker), then as many whose article is stored whole. Each sample runs from the call to the end of
the first frame that shows that entry in the article pane (the frame also turned into terminal
escape sequences, as `reader_probe` does). Prints one JSON object: p50/p95/max per kind, and the
very first open alone (it imports the extraction package).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.reader_probe import frame_shown


def _summary(samples: list[float]) -> dict[str, Any]:
    ordered = sorted(samples)
    if not ordered:
        return {"n": 0}

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)

    return {"n": len(ordered), "p50_ms": at(0.5), "p95_ms": at(0.95), "max_ms": at(1.0)}


async def probe(config_path: Path, opens: int, size: tuple[int, int]) -> dict[str, Any]:

    from tui_reader.config import load_config
    from tui_reader.services import store_for
    from tui_reader.ui.app import make_app
    from tui_reader.ui.widgets.entry_list import EntryList

    config = load_config(config_path)
    store = store_for(config)
    pending: list[str] = []
    whole: list[str] = []
    for entry_id in store.entry_ids():
        article = store.article(entry_id)
        if article is None:
            continue
        kind = pending if article.pending else whole
        if len(kind) < opens:
            kind.append(entry_id)
        if len(pending) >= opens and len(whole) >= opens:
            break
    app = make_app(config, store)
    times: dict[str, list[float]] = {"pending": [], "whole": []}
    first = None
    missed = 0
    started = time.perf_counter()
    try:
        async with app.run_test(size=size) as pilot:
            entry_list = app.query_one(EntryList)
            while entry_list.count == 0 and time.perf_counter() - started < 120:
                await pilot.pause(0.02)
            await pilot.pause(0.3)
            wanted = {"id": ""}
            view = app.reader.article_view
            original = app._display  # put back when the probe is done
            frame = frame_shown(app, lambda: view.entry_id == wanted["id"])
            for label, ids in (("pending", pending), ("whole", whole)):
                for entry_id in ids:
                    frame.clear()
                    wanted["id"] = entry_id
                    t0 = time.perf_counter()
                    app.reader.open_entry(entry_id, focus=False)
                    try:
                        await asyncio.wait_for(frame.wait(), 10.0)
                    except TimeoutError:
                        missed += 1
                        continue
                    elapsed = time.perf_counter() - t0
                    if first is None:
                        first = elapsed
                    else:
                        times[label].append(elapsed)
                    await asyncio.sleep(0.05)
            app._display = original  # type: ignore[method-assign]
            await pilot.press("q")
    finally:
        store.close()
    return {
        "first_open_ms": None if first is None else round(first * 1000, 1),
        "pending": _summary(times["pending"]),
        "whole": _summary(times["whole"]),
        "missed": missed,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--config", type=Path, required=True)
    ap.add_argument("--opens", type=int, default=100)
    ap.add_argument("--size", default="120x40")
    args = ap.parse_args(argv)
    cols, rows = (int(v) for v in args.size.split("x"))
    print(json.dumps(asyncio.run(probe(args.config, args.opens, (cols, rows)))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
