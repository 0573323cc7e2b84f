"""The author search of `tui_reader.extract.author` equals trafilatura's `extract_author`."""

from __future__ import annotations

import random

import pytest
from lxml import html as lxml_html

from tui_reader.extract.author import _matches_trafilatura, find_author
from tui_reader.extract.clean import clean_byline

trafilatura_metadata = pytest.importorskip("trafilatura.metadata")

_TAGS = [
    "div",
    "span",
    "a",
    "p",
    "section",
    "strong",
    "h3",
    "h4",
    "time",
    "figure",
    "author",
    "address",
    "link",
    "li",
    "em",
]
_ATTRS = [
    ("class", "author"),
    ("class", "author-name"),
    ("class", "post-authorName x"),
    ("class", "byline"),
    ("class", "Byline big"),
    ("class", "comments"),
    ("class", "sidebar"),
    ("class", "meta-date"),
    ("class", "title"),
    ("class", "quote-box"),
    ("class", "writer"),
    ("class", "print-only"),
    ("class", "Comments-area"),
    ("class", "x comments"),
    ("id", "author"),
    ("id", "comments"),
    ("id", "comment-list"),
    ("id", "theAuthor"),
    ("itemprop", "author"),
    ("itemprop", "author name"),
    ("rel", "author"),
    ("data-testid", "AuthorCard"),
    ("data-component", "Byline"),
    ("data-component", "Figure"),
    ("class", "entry-content"),
    ("id", "main"),
]
_TEXTS = [
    "Ana Pérez",
    "By John Smith",
    "Por María López",
    "12 May 2024",
    "x",
    "",
    "Lucía Ortega Gil",
    "Comments (3)",
    "Share",
    "https://example.org/me",
]


def _random_element(rng: random.Random, depth: int) -> str:
    tag = rng.choice(_TAGS)
    attrs = " ".join(f'{k}="{v}"' for k, v in rng.sample(_ATTRS, rng.randint(0, 2)))
    inner = rng.choice(_TEXTS)
    if depth < 4:
        inner += "".join(_random_element(rng, depth + 1) for _ in range(rng.randint(0, 3)))
    tail = rng.choice(_TEXTS)
    return f"<{tag} {attrs}>{inner}</{tag}>{tail}"


def test_transcription_matches_installed_trafilatura() -> None:
    assert _matches_trafilatura()


@pytest.mark.parametrize("seed", range(300))
def test_same_author_as_trafilatura(seed: int) -> None:
    rng = random.Random(seed)
    body = "".join(_random_element(rng, 0) for _ in range(rng.randint(1, 6)))
    root = lxml_html.document_fromstring(f"<html><head></head><body>{body}</body></html>")
    before = lxml_html.tostring(root)
    assert find_author(root) == trafilatura_metadata.extract_author(root)
    assert lxml_html.tostring(root) == before  # the page is not changed


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Por Redacción TecnoDiario ·", "Redacción TecnoDiario"),
        ("By Jane Doe |", "Jane Doe"),
        ("By: Ann Lee", "Ann Lee"),
        ("Par Jean Dupont —", "Jean Dupont"),
        ("Di Mario Rossi", "Mario Rossi"),
        ("Von Hans Müller", "Hans Müller"),
        ("De Lucía Ortega", "Lucía Ortega"),
        ("Escrito por Ana Pérez", "Ana Pérez"),
        ("Lucía Ortega", "Lucía Ortega"),
        # surnames that start with a particle are names, not prefixes
        ("De la Fuente", "De la Fuente"),
        ("Di Maio", "Di Maio"),
        ("von der Leyen", "von der Leyen"),
        ("Bycroft Smith", "Bycroft Smith"),
        ("Por", "Por"),
        ("", ""),
    ],
)
def test_byline_prefix_and_separators_are_stripped(raw: str, name: str) -> None:
    assert clean_byline(raw) == name
