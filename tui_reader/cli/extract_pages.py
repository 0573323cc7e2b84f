"""`tui-reader extract [--format text|markdown|json] [--url URL] [--explain] SOURCE...`

Each SOURCE is a file or an http(s) URL.  One bad source prints one line on stderr and the
others go on; the exit status is 1 if any failed, else 0.  The pages are extracted as one batch
(`extract.batch`): pages of one site learn what the site repeats from each other, as they do
through a fetch.  With more than a handful of sources the work is spread over a process pool.
"""

from __future__ import annotations

import gzip
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui_reader import lifeline
from tui_reader.extract.rules import Rules, load_rules

if TYPE_CHECKING:
    from tui_reader.extract.batch import Mapper
    from tui_reader.extract.pipeline import Trace
    from tui_reader.models import Article

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


def _load(job: Job) -> tuple[bytes, str]:
    """The page's bytes and URL (`--url`, else where a fetch ended, else "")."""
    if _is_url(job.source):
        data, final_url = _fetch(job.source)
        return data, job.url or final_url
    return _read_file(job.source), job.url or ""


def _loaded(jobs: list[Job]) -> list[tuple[bytes, str] | SourceError]:
    def one(job: Job) -> tuple[bytes, str] | SourceError:
        try:
            return _load(job)
        except SourceError as err:
            return err

    if sum(_is_url(job.source) for job in jobs) < 2:
        return [one(job) for job in jobs]
    with ThreadPoolExecutor(max_workers=8) as threads:  # network waits, not CPU
        return list(threads.map(one, jobs))


def _render(job: Job, article: Article, trace: Trace | None) -> str:
    from tui_reader.extract.render import render_explain, render_json
    from tui_reader.render import article_markdown, article_text

    if job.fmt == "json":
        out = render_json(job.source, article)
    elif job.fmt == "markdown":
        out = article_markdown(article).rstrip("\n")
    else:
        out = article_text(article).rstrip("\n")
    if trace is not None:
        out += "\n" + render_explain(article, trace.how, trace.blocks_before_rules, trace.notes)
    return out


@contextmanager
def _mapper(count: int) -> Iterator[Mapper]:
    """`map`, or a process pool's map when there are more than a handful of pages."""
    if count <= POOL_THRESHOLD:
        yield map
        return
    workers = max(1, min(os.cpu_count() or 1, count))
    with ProcessPoolExecutor(
        max_workers=workers,
        initializer=lifeline.watch_parent,
        initargs=lifeline.pool_initargs(),
    ) as pool:

        def pooled(fn: Callable[[Any], Any], jobs: Iterable[Any]) -> Iterator[Any]:
            jobs = list(jobs)
            chunk = max(1, min(16, len(jobs) // (workers * 4) or 1))
            return pool.map(fn, jobs, chunksize=chunk)

        yield pooled


def _results(jobs: list[Job]) -> Iterator[tuple[str, str | None]]:
    """(what to print on stdout, error line or None) per source, in order.

    The pages are extracted together (`extract.batch`): pages of one site learn from each
    other what the site repeats, as a fetch does.
    """
    from tui_reader.extract.batch import extract_pages
    from tui_reader.extract.render import render_json

    if not jobs:
        return
    loaded = _loaded(jobs)
    pages = [(i, page) for i, page in enumerate(loaded) if not isinstance(page, SourceError)]
    with _mapper(len(pages)) as mapper:
        results = extract_pages(
            [page for _, page in pages],
            jobs[0].rules,
            explain=jobs[0].explain,
            mapper=mapper,
        )
    by_index = {i: result for (i, _), result in zip(pages, results, strict=True)}
    for index, (job, page) in enumerate(zip(jobs, loaded, strict=True)):
        if isinstance(page, SourceError):
            out = render_json(job.source, None) if job.fmt == "json" else ""
            yield out, f"tui-reader extract: {job.source}: {page}"
        else:
            yield _render(job, *by_index[index]), None


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
