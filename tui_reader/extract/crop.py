"""Where a site's article sits, learnt from its pages: trafilatura is handed only that part.

trafilatura spends most of its time on what is not the article (a news page's sidebar, comments,
related posts and footer are most of its tree): 4.2 ms a page of `bench/run.py`'s corpus, 1.5 ms
on the article's container alone.  A fetch extracts many pages of a site in the same worker
(a host's pages go to one page worker), and a site's articles share a template, so the
container found on one page is where the next one's article sits.

Nothing is assumed: a container is learnt only when trafilatura, given that container alone,
returns exactly the blocks it returned from the whole page, and that is checked again every
`RECHECK_EVERY` cropped pages.  A page where the container is missing, not unique, or gives
a thin result (`fallback.thin_reason`) is extracted from the whole page, as without a crop;
after `MAX_MISSES` such pages in a row the site is learnt again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tui_reader.extract.fallback import thin_reason
from tui_reader.extract.parse import empty_page
from tui_reader.extract.textbuilder import RawBlock

RECHECK_EVERY = 10  # cropped pages between two checks against the whole page
MAX_MISSES = 3  # pages in a row without a usable crop before the site is learnt again
MAX_TRIES = 3  # pages a site may take to learn before it is extracted whole for good
MAX_LEARNT = 3  # containers a site may learn (each forgotten after misses or a failed check)
ANCESTORS = 3  # how far above the article's first and last blocks a container is looked for
_SNIPPET = 40  # characters of a block's text looked for in the page (before its first link)
_MIN_SNIPPET = 12
_PER_PAGE = re.compile(r"\d")  # ids like "post-1234" name one page, not the template
_BARE = ("html", "body")

Walk = Callable[[Any], list[RawBlock]]


@dataclass(slots=True)
class SiteCrop:
    """One site's learnt container (an XPath matching one element per page), and how it fares."""

    path: str = ""
    tries: int = 0
    learnt: int = 0
    misses: int = 0
    since_check: int = 0
    cropped: int = 0
    checks_failed: int = 0

    @property
    def learning(self) -> bool:
        return not self.path and self.tries < MAX_TRIES and self.learnt < MAX_LEARNT

    def cut(self, root: Any) -> Any:
        """A page holding a copy of the learnt container of `root`, or None."""
        if not self.path:
            return None
        found = _cut(root, self.path)
        if found is None:
            self._miss()
        return found

    def check_due(self) -> bool:
        return self.since_check + 1 >= RECHECK_EVERY

    def used(self, blocks: list[RawBlock]) -> bool:
        """Whether the crop's blocks can stand for the page's (else the whole page is used)."""
        if thin_reason(blocks):
            self._miss()
            return False
        self.misses = 0
        self.since_check += 1
        self.cropped += 1
        return True

    def checked(self, same: bool) -> None:
        """A check against the whole page: the crop stays only if it gave the same blocks."""
        self.since_check = 0
        if not same:
            self.checks_failed += 1
            self._forget()

    def learn(self, root: Any, blocks: list[RawBlock], walk: Walk) -> None:
        """Find the container of `blocks` in `root` that `walk` turns into the same blocks."""
        self.tries += 1
        for path in _candidates(root, blocks):
            cut = _cut(root, path)
            if cut is not None and walk(cut) == blocks:
                self.path = path
                self.learnt += 1
                self.tries = self.misses = self.since_check = 0
                return

    def _miss(self) -> None:
        self.misses += 1
        if self.misses >= MAX_MISSES:
            self._forget()

    def _forget(self) -> None:
        self.path = ""
        self.misses = self.since_check = 0


def _cut(root: Any, path: str) -> Any:
    found = root.xpath(path)
    if len(found) != 1:
        return None
    page = empty_page()
    copy = _copy(found[0])
    copy.tail = None
    page[-1].append(copy)
    return page


def _copy(el: Any) -> Any:
    from copy import deepcopy

    return deepcopy(el)


def _candidates(root: Any, blocks: list[RawBlock]) -> list[str]:
    """XPaths of the lowest common ancestor of the first and last blocks, and a few above it,
    each matching exactly one element of `root` and naming it by its template (id or class)."""
    first = _anchor(root, blocks)
    last = _anchor(root, blocks[::-1])
    if first is None or last is None:
        return []
    paths: list[str] = []
    el = _common_ancestor(first, last)
    for _ in range(ANCESTORS):
        if el is None or not isinstance(el.tag, str) or el.tag in _BARE:
            break
        path = _path(el)
        if path and len(root.xpath(path)) == 1:
            paths.append(path)
        el = el.getparent()
    return paths


def _anchor(root: Any, blocks: list[RawBlock]) -> Any:
    """The page element holding the first of `blocks` whose opening words can be found."""
    for block in blocks[:3]:
        end = block.links[0].start if block.links else len(block.text)
        snippet = block.text[: min(end, _SNIPPET)].strip()
        if len(snippet) < _MIN_SNIPPET:
            continue
        found = root.xpath(
            "//*[text()[contains(normalize-space(.), $s)]]", s=" ".join(snippet.split())
        )
        if len(found) == 1:
            return found[0]
    return None


def _common_ancestor(a: Any, b: Any) -> Any:
    above_a = {id(el) for el in a.iterancestors()} | {id(a)}
    el = b
    while el is not None and id(el) not in above_a:
        el = el.getparent()
    return el


def _path(el: Any) -> str:
    """`//tag[@id='…']` for an id that names no single page, else `//tag[@class='…']`."""
    for attr in ("id", "class"):
        value = el.get(attr)
        if value and "'" not in value and not (attr == "id" and _PER_PAGE.search(value)):
            return f"//{el.tag}[@{attr}='{value}']"
    return ""


__all__ = ["SiteCrop"]
