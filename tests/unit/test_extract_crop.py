"""Site crops: trafilatura given only where a site's article sits, and never a different article."""

from __future__ import annotations

import random

from tui_reader.extract import extract_article
from tui_reader.extract.crop import MAX_MISSES, RECHECK_EVERY, SiteCrop
from tui_reader.extract.pipeline import Trace
from tui_reader.models import Article

_TEXT = (
    "the council approved a budget for new trains after months of debate while engineers "
    "warned that the tunnels need repairs before any service can start and residents asked "
    "for quieter works at night since the last project kept the whole district awake"
)
WORDS = _TEXT.split()


def _sentence(rng: random.Random) -> str:
    words = rng.sample(WORDS, 14)
    return " ".join(words).capitalize() + "."


def _paragraphs(rng: random.Random, n: int) -> str:
    return "".join(f"<p>{' '.join(_sentence(rng) for _ in range(4))}</p>" for _ in range(n))


def _page(i: int, *, article: str | None = None, before: str = "", after: str = "") -> str:
    """One page of a site's template: navigation, a sidebar, comments and a footer around it."""
    rng = random.Random(i)
    body = article if article is not None else _paragraphs(rng, 6)
    nav = "".join(f'<li><a href="/section/{n}/">Section {n}</a></li>' for n in range(12))
    side = "".join(f'<li><a href="/news/{n}/">{_sentence(rng)}</a></li>' for n in range(10))
    comments = "".join(
        f'<li class="comment"><b>reader{n}</b><p>{_sentence(rng)}</p></li>' for n in range(5)
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Story {i} | City Paper</title></head><body>"
        f'<header class="site-header"><nav><ul>{nav}</ul></nav></header>'
        f'<main id="main">{before}<article id="post-{1000 + i}" class="post">'
        f'<h1 class="entry-title">Story {i}</h1><div class="entry-content">{body}</div>'
        f'<section id="comments" class="comments-area"><ol>{comments}</ol></section>'
        f'</article>{after}</main><aside class="sidebar"><ul>{side}</ul></aside>'
        "<footer><p>City Paper, all rights reserved.</p></footer></body></html>"
    )


def _url(i: int) -> str:
    return f"https://city.example/news/{i}/"


def _with_crop(html: str, url: str, crop: SiteCrop) -> tuple[Article, str]:
    trace = Trace()
    article = extract_article(html, url, crop=crop, trace=trace)
    return article, " ".join(n for n in trace.notes if "site crop" in n)


def test_a_site_s_container_is_learnt_and_every_article_is_the_same_as_without_it() -> None:
    crop = SiteCrop()
    notes = []
    for i in range(8):
        html = _page(i)
        article, note = _with_crop(html, _url(i), crop)
        assert article == extract_article(html, _url(i))
        assert len(article.blocks) == 6
        notes.append(note)
    # the lowest container that gives the same blocks (the headline is in them), named by its
    # class: its id ("post-1000") names one page
    assert crop.path == "//article[@class='post']"
    assert notes[0] == ""  # learnt on the first page, from the whole page
    assert all("given //article[@class='post'] only" in n for n in notes[1:])
    assert crop.cropped == 7


def test_a_page_without_the_container_is_extracted_whole_and_the_site_learns_again() -> None:
    crop = SiteCrop()
    _with_crop(_page(0), _url(0), crop)
    before = crop.path
    for i in range(1, MAX_MISSES + 1):
        html = _page(i).replace('class="post"', 'class="story"')  # a redesign
        article, note = _with_crop(html, _url(i), crop)
        assert note == ""
        assert article == extract_article(html, _url(i))
    # forgotten after the misses, then learnt again from the redesigned page
    assert before and crop.path and crop.path != before and crop.learnt == 2


def test_a_thin_crop_gives_way_to_the_whole_page() -> None:
    crop = SiteCrop()
    _with_crop(_page(0), _url(0), crop)
    # the site's container holds only a teaser here; the article is below it, in the page
    story = f'<div class="story">{_paragraphs(random.Random(99), 5)}</div>'
    html = _page(1, article="<p>Read the full story below.</p>", after=story)
    article, note = _with_crop(html, _url(1), crop)
    assert note == ""
    assert article == extract_article(html, _url(1))
    assert crop.misses == 1


def test_a_check_against_the_whole_page_that_differs_forgets_the_container() -> None:
    # learnt where it held the whole article; on this page the whole page gives one block more
    # (the headline, outside it), so the check finds a difference
    crop = SiteCrop(path="//div[@class='entry-content']", since_check=RECHECK_EVERY - 1)
    article, note = _with_crop(_page(1), _url(1), crop)
    assert article == extract_article(_page(1), _url(1))
    assert "forgotten" in note
    # forgotten, and learnt again from the same page: right this time, and used
    assert crop.checks_failed == 1 and crop.path == "//article[@class='post']"
    for i in range(2, 4):
        article, note = _with_crop(_page(i), _url(i), crop)
        assert article == extract_article(_page(i), _url(i)) and "only" in note


def test_a_page_whose_words_are_not_found_teaches_nothing() -> None:
    crop = SiteCrop()
    html = _page(0, article="<p>" + "short " * 3 + "</p>")
    _with_crop(html, _url(0), crop)
    assert crop.path == ""
