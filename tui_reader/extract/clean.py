"""Text hygiene: no control characters, escape sequences or bidi overrides ever leave `extract`."""

from __future__ import annotations

import re
import unicodedata

from tui_reader import sanitize

_LINE_SEPS = re.compile("[\r\u2028\u2029\x0b\x0c\x85]")


def strip_controls(text: str) -> str:
    """Remove escape sequences and every forbidden character; keeps newlines."""
    if not text:
        return ""
    if text.isprintable():
        # fast path: every character changed below (line separators, tabs, escapes, C0/C1
        # controls, bidi and other format characters, non-characters) is unprintable
        return text
    text = _LINE_SEPS.sub("\n", text.replace("\r\n", "\n"))
    if "\t" in text:
        text = text.expandtabs(4)
    return sanitize.strip_controls(text)


def clean_line(text: str) -> str:
    """One line: controls removed, all whitespace (newlines too) collapsed to single spaces."""
    return " ".join(strip_controls(text).split())


_SPACE = re.compile(r"\s")  # the characters of str.isspace()


def clean_href(href: str) -> str:
    href = strip_controls(href).strip()
    return _SPACE.sub("%20", href)


def fold(text: str) -> str:
    """A key for comparing phrases: NFKC, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


# "Por Redacción TecnoDiario ·", "By: Jane Doe |", "Escrito por Ana" -> the name alone.
_BYLINE_EDGE = " \t\n·•|–—-:,;/»›>~"
_BYLINE_LEAD = re.compile(
    r"^(?:(?:escrito|publicado|written|posted|publié|scritto|geschrieben|escrit|publicat)\s+)?"
    r"(?:por|by|par|di|von|de|per|door|av)\s*[:\-–—]?\s+",
    re.IGNORECASE,
)
# Particles that also start surnames ("De la Fuente", "Di Maio", "von der Leyen"): stripped only
# when a capitalised name of two or more words follows.
_PARTICLES = frozenset({"di", "von", "de"})


def clean_byline(text: str) -> str:
    """An author line without its "By"/"Por"/"Par"/"Di"/"Von"/"De" prefix and trailing separators."""
    name = clean_line(text).strip(_BYLINE_EDGE)
    m = _BYLINE_LEAD.match(name)
    if m:
        rest = name[m.end() :].strip(_BYLINE_EDGE)
        first = m.group(0).split()[-1].rstrip(":-–—").lower() if m.group(0).split() else ""
        words = rest.split()
        if rest and (
            first not in _PARTICLES
            or m.group(0).lower().startswith(("escrit", "publi", "writ", "post", "scrit", "gesch"))
            or (len(words) >= 2 and words[0][:1].isupper())
        ):
            name = rest
    return name
