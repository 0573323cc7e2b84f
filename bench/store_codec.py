"""What writing the store as data (JSON, `tui_reader.store.disk`) costs next to pickling it.

    .venv/bin/python bench/store_codec.py            # 2,000 entries with articles, 5 rounds
    .venv/bin/python bench/store_codec.py --entries 500 --rounds 3

Two rows, each the best of --rounds rounds:

- codec: encode then decode the values a fetch stores (entry dicts, article dicts, a feed's
  index rows, raw pages), `encode_value`/`decode_value` vs `pickle.dumps`/`pickle.loads`;
- store: the same values `set` then `get` through a diskcache Cache on a temp dir, the store's
  `DataDisk` vs diskcache's stock (pickling) Disk, in one transaction as the fetch writes.

The ratio is data / pickle: above 1, the data codec is slower.
"""

from __future__ import annotations

import argparse
import pickle
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import diskcache

from tui_reader.models import Article, Block, Entry, EntryRow, Link, LinkRef
from tui_reader.store.codec import decode_value, encode_value
from tui_reader.store.disk import DataDisk

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
PARAGRAPH = "Los compiladores modernos optimizan el código en varias pasadas, según el núcleo. "


def values(count: int) -> list[tuple[tuple[str, str], Any]]:
    """(key, value) pairs shaped as a fetch writes them: per entry, its dict and its article."""
    made: list[tuple[tuple[str, str], Any]] = []
    rows = []
    for i in range(count):
        entry = Entry(
            id=f"{i:016x}",
            url=f"https://site{i % 40}.example/2026/11/story-{i}",
            title=f"Título de la historia número {i}",
            feeds=(f"https://site{i % 40}.example/feed",),
            published=NOW - timedelta(minutes=i),
            site=f"site{i % 40}.example",
            summary=PARAGRAPH[: 40 + i % 200],
            language="es",
            fetched=NOW,
        )
        blocks = tuple(
            Block("paragraph", PARAGRAPH * (1 + (i + j) % 6), links=(LinkRef(0, 10, j + 1),))
            for j in range(8 + i % 30)
        )
        links = tuple(Link(j + 1, "enlace", f"https://ref.example/{j}") for j in range(len(blocks)))
        article = Article(url=entry.url, title=entry.title, blocks=blocks, links=links)
        made.append((("entry", entry.id), entry.to_dict()))
        made.append((("article", entry.id), article.to_dict()))
        rows.append(EntryRow.of(entry, entry.feeds[0]).as_tuple())
        if i % 50 == 49:
            made.append((("index", entry.feeds[0]), list(rows)))
            rows.clear()
    made.extend(
        (("page", f"{i:016x}"), ("page", "<p>" + PARAGRAPH * 40 + "</p>"))
        for i in range(count // 4)
    )
    return made


def best(rounds: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def codec_round(pairs: list[tuple[tuple[str, str], Any]], data: bool) -> None:
    for _, value in pairs:
        if data:
            decode_value(encode_value(value))
        else:
            pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def store_round(pairs: list[tuple[tuple[str, str], Any]], disk: type[diskcache.Disk]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cache = diskcache.Cache(
            str(Path(tmp)), disk=disk, eviction_policy="none", size_limit=2**50, statistics=False
        )
        with cache.transact():
            for key, value in pairs:
                cache.set(key, value)
        for key, _ in pairs:
            cache.get(key)
        cache.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    pairs = values(args.entries)
    size_data = sum(len(encode_value(v)) for _, v in pairs)
    size_pickle = sum(len(pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL)) for _, v in pairs)
    rows = [
        (
            "codec (encode+decode)",
            best(args.rounds, lambda: codec_round(pairs, data=True)),
            best(args.rounds, lambda: codec_round(pairs, data=False)),
        ),
        (
            "store (set+get, diskcache)",
            best(args.rounds, lambda: store_round(pairs, DataDisk)),
            best(args.rounds, lambda: store_round(pairs, diskcache.Disk)),
        ),
    ]
    print(f"{len(pairs)} values ({args.entries} entries), best of {args.rounds} rounds")
    print(f"bytes: data {size_data:,}  pickle {size_pickle:,}  ({size_data / size_pickle:.2f}x)")
    print("| what | data (s) | pickle (s) | data / pickle |")
    print("|---|---|---|---|")
    for name, data, pickled in rows:
        print(f"| {name} | {data:.3f} | {pickled:.3f} | {data / pickled:.2f}x |")


if __name__ == "__main__":
    main()
