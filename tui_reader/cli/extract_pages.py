"""`tui-reader extract [--format text|markdown|json] [--url URL] [--explain] SOURCE...`

Each SOURCE is a file or an http(s) URL.  One bad source prints one line on stderr and the
others go on; the exit status is 1 if any failed, else 0.  With more than a handful of sources
the work is spread over a process pool.
"""

from __future__ import annotations

import gzip
import os
import sys
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from tui_reader import lifeline
from tui_reader.extract.rules import Rules, load_rules

MAX_BYTES = 8 * 1024 * 1024
POOL_THRESHOLD = 6  # more sources than this: use a process pool


class SourceError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Job:
    source: str
    fmt: str
    url: str | None
    explain: bool
    rules: Rules


def _is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def _fetch(url: str) -> tuple[bytes, str]:
    """The page at `url` through the fetcher `tui-reader fetch` uses: same limits, same UA."""
    import asyncio

    from tui_reader.config import FetchConfig
    from tui_reader.feeds.fetch import PAGE_ACCEPT, Fetcher, FetchError, status_error

    async def get() -> tuple[bytes, str, int]:
        async with Fetcher(FetchConfig(retries=0)) as fetcher:
            res = await fetcher.fetch(url, accept=PAGE_ACCEPT)
            return res.content, res.final_url, res.status

    try:
        content, final_url, status = asyncio.run(get())
    except FetchError as err:
        raise SourceError(str(err)) from None
    if status != 200:
        raise SourceError(status_error(status))
    return content, final_url


def _read_file(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as err:
        raise SourceError(err.strerror or str(err)) from None
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as gz:
                data = gz.read(MAX_BYTES)
        except (OSError, EOFError) as err:
            raise SourceError(f"bad gzip: {err}") from None
    return data[:MAX_BYTES]


def _process(job: Job) -> tuple[str, str | None]:
    """(what to print on stdout, error line or None) for one source."""
    from tui_reader.extract import extract_article
    from tui_reader.extract.pipeline import Trace
    from tui_reader.extract.render import render_explain, render_json
    from tui_reader.render import article_markdown, article_text

    try:
        if _is_url(job.source):
            data, final_url = _fetch(job.source)
            url = job.url or final_url
        else:
            data = _read_file(job.source)
            url = job.url or ""
    except SourceError as err:
        out = render_json(job.source, None) if job.fmt == "json" else ""
        return out, f"tui-reader extract: {job.source}: {err}"
    trace = Trace()
    article = extract_article(data, url, rules=job.rules, trace=trace)
    if job.fmt == "json":
        out = render_json(job.source, article)
    elif job.fmt == "markdown":
        out = article_markdown(article).rstrip("\n")
    else:
        out = article_text(article).rstrip("\n")
    if job.explain:
        out += "\n" + render_explain(article, trace.how, trace.blocks_before_rules, trace.notes)
    return out, None


def _results(jobs: list[Job]) -> Iterator[tuple[str, str | None]]:
    if len(jobs) <= POOL_THRESHOLD:
        for job in jobs:
            yield _process(job)
        return
    workers = max(1, min(os.cpu_count() or 1, len(jobs)))
    chunk = max(1, min(16, len(jobs) // (workers * 4) or 1))
    with ProcessPoolExecutor(
        max_workers=workers,
        initializer=lifeline.watch_parent,
        initargs=lifeline.pool_initargs(),
    ) as pool:
        yield from pool.map(_process, jobs, chunksize=chunk)


def run_extract(
    sources: list[str],
    *,
    fmt: str,
    url: str | None,
    explain: bool,
    user_rules: Mapping[str, Any] | None = None,
) -> int:
    """Extract each source; `user_rules` is the `[extract]` table of the user's config."""
    try:
        rules = load_rules(user_rules)
    except ValueError as err:
        print(f"tui-reader extract: config: {err}", file=sys.stderr)
        return 2
    jobs = [Job(s, fmt, url, explain, rules) for s in sources]
    failed = 0
    first = True
    for out, problem in _results(jobs):
        if problem:
            failed += 1
            print(problem, file=sys.stderr, flush=True)
        if out:
            if not first and fmt != "json":
                sys.stdout.write("\n" + "─" * 40 + "\n\n")
            sys.stdout.write(out + "\n")
            first = False
    sys.stdout.flush()
    return 1 if failed else 0
