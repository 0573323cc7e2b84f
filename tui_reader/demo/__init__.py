"""The offline demo: bundled feeds and pages served on 127.0.0.1, fetched by the real pipeline."""

from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from tui_reader.config import Config, FeedConfig, StorageConfig, with_storage
from tui_reader.demo.server import aggregator_base

if TYPE_CHECKING:
    from tui_reader.demo.server import DemoServer
    from tui_reader.models import FetchSummary
    from tui_reader.store import Store

DEMO_KEEP_DAYS = 100 * 365


def demo_feeds(base: str) -> tuple[FeedConfig, ...]:
    """The four demo feeds: one with full content, two with summaries, one aggregator."""
    return (
        FeedConfig(url=f"{base}/elbyte/feed.xml", title="El Byte", tags=("es",), language="es"),
        FeedConfig(
            url=f"{base}/cienciahoje/atom.xml", title="Ciência Hoje", tags=("pt",), language="pt"
        ),
        FeedConfig(
            url=f"{base}/bitnotizie/rss.xml", title="Bit Notizie", tags=("it",), language="it"
        ),
        FeedConfig(
            url=f"{aggregator_base(base)}/agregador/rss.xml",
            title="Agregador Tech",
            tags=("agregadores",),
        ),
    )


def demo_config(directory: Path, base_url: str, config: Config | None = None) -> Config:
    """`config` (or the built-in defaults) with its store in `directory` and the demo feeds."""
    if config is None:
        config = Config(storage=StorageConfig(data_dir=directory, cache_dir=directory / "cache"))
    config = with_storage(config, directory, directory / "cache")
    # The sample stories have fixed dates: keep them however old they get.
    storage = replace(config.storage, keep_days=DEMO_KEEP_DAYS)
    return replace(config, storage=storage, feeds=demo_feeds(base_url), default_feeds=())


def fetch_demo(config: Config, store: Store) -> FetchSummary:
    from tui_reader.pipeline import run_update

    return run_update(config, store, feeds=list(config.feeds), fulltext=True)


def prepare_demo_store(
    directory: Path, *, server: DemoServer | None = None, config: Config | None = None
) -> tuple[Config, Store]:
    """Fetch the demo into a store in `directory`, headless; the caller closes the store.

    Without a running `server`, one is started for the fetch and stopped afterwards.
    """
    from tui_reader.demo.server import DemoServer
    from tui_reader.services import store_for

    directory = Path(directory)
    if server is None:
        with DemoServer() as running:
            return prepare_demo_store(directory, server=running, config=config)
    demo = demo_config(directory, server.base, config)
    store = store_for(demo)
    try:
        fetch_demo(demo, store)
    except BaseException:
        store.close()
        raise
    return demo, store


def run_demo(config: Config, ui: bool = True) -> int:
    """`tui-reader demo`: serve the demo sites, fetch them into a temporary store, open the reader."""
    from tui_reader.demo.server import DemoServer
    from tui_reader.services import store_for
    from tui_reader.terminal import degrade_for_dumb_terminal, terminal_problem

    problem = terminal_problem(sys.stdin, sys.stdout) if ui else ""
    if problem:
        print(f"tui-reader demo: {problem} (or use --no-ui)", file=sys.stderr)
        return 2
    if ui:
        degrade_for_dumb_terminal()
    with (
        tempfile.TemporaryDirectory(prefix="tui-reader-demo-") as tmp,
        DemoServer() as server,
    ):
        demo = demo_config(Path(tmp), server.base, config)
        store = store_for(demo)
        try:
            print(f"tui-reader demo: fetching {len(demo.feeds)} feeds from {server.base} …")
            summary = fetch_demo(demo, store)
            print(summary.line())
            if not ui:
                return 1 if summary.failed else 0
            from tui_reader.ui.app import make_app

            app = make_app(demo, store)
            app.run()
            return app.return_code or 0
        except KeyboardInterrupt:
            return 130
        except Exception as exc:
            print(f"tui-reader demo: {exc}", file=sys.stderr)
            return 1
        finally:
            store.close()
