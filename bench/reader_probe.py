"""Keypress-to-render latency of a cursor move in the reader, headless under Textual's Pilot.

    python bench/reader_probe.py --config PATH [--keys 200] [--size 120x40]

Opens the reader on the store the config names (`make_app(config, store)` in `App.run_test`),
waits until the entry list has rows, then sends `j` KEYS times. Each sample is the time from
posting the key event to the end of the first frame that shows the moved cursor: the app's
`_display` is wrapped, and since a headless driver writes nothing, the wrapper also turns the
frame into terminal escape sequences, as a real terminal driver would. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def frame_shown(app: Any, shown: Callable[[], bool]) -> asyncio.Event:
    """An event set when a frame has been rendered for the terminal while `shown()` holds: the
    moment a person would see the change, not the moment a widget's state changed. (It wraps
    the app's display hook; the probes clear the event before each key.)"""
    from textual._compositor import CompositorUpdate

    frame = asyncio.Event()
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        original(screen, renderable)
        if renderable is None:
            return
        if isinstance(renderable, CompositorUpdate):
            renderable.render_segments(app.console)
        if shown():
            frame.set()

    app._display = display
    return frame


async def probe(config_path: Path, keys: int, size: tuple[int, int], key: str) -> dict[str, Any]:
    from textual import events

    from tui_reader.config import load_config
    from tui_reader.services import store_for
    from tui_reader.ui.app import make_app
    from tui_reader.ui.widgets.entry_list import EntryList

    config = load_config(config_path)
    store = store_for(config)
    app = make_app(config, store)
    samples: list[float] = []
    started = time.perf_counter()
    try:
        async with app.run_test(size=size) as pilot:
            entry_list = app.query_one(EntryList)
            while entry_list.count == 0 and time.perf_counter() - started < 120:
                await pilot.pause(0.02)
            rows_after = time.perf_counter() - started
            await pilot.pause(0.3)
            entry_list.focus()
            await pilot.pause(0.1)

            wanted = {"cursor": -1}
            original = app._display  # put back when the probe is done
            frame = frame_shown(app, lambda: entry_list.cursor == wanted["cursor"])
            driver = app._driver
            assert driver is not None
            missed = 0
            for _ in range(keys):
                frame.clear()
                wanted["cursor"] = entry_list.cursor + 1
                event = events.Key(key, key)
                event.set_sender(app)
                t0 = time.perf_counter()
                driver.send_message(event)
                try:
                    await asyncio.wait_for(frame.wait(), 2.0)
                except TimeoutError:
                    missed += 1
                    continue
                samples.append(time.perf_counter() - t0)
                await asyncio.sleep(0.03)  # a person does not press faster; let the pane settle
            app._display = original  # type: ignore[method-assign]
            count = entry_list.count
            await pilot.press("q")
    finally:
        store.close()
    samples.sort()
    return {
        "entries": count,
        "rows_after_s": rows_after,
        "samples_ms": [round(s * 1000, 3) for s in samples],
        "missed": missed,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--config", type=Path, required=True)
    ap.add_argument("--keys", type=int, default=200)
    ap.add_argument("--size", default="120x40")
    ap.add_argument("--key", default="j")
    args = ap.parse_args(argv)
    cols, rows = (int(v) for v in args.size.split("x"))
    result = asyncio.run(probe(args.config, args.keys, (cols, rows), args.key))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
