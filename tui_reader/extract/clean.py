"""Text hygiene: no control characters, escape sequences or bidi overrides ever leave `extract`."""

from __future__ import annotations

import re
import unicodedata

# ESC/CSI/OSC sequences first (so their printable tails go too), then single characters.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS/SOS/PM/APC
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|\x1b[@-Z\\-_]?"
)
# C0 except \n, DEL, C1, bidi embeddings/overrides/isolates, BOM/ZWNBSP, noncharacters,
# lone surrogates.
_BAD_CHARS = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb\ufffe\uffff"
    "\ud800-\udfff]"
)
_LINE_SEPS = re.compile("[\r\u2028\u2029\x0b\x0c\x85]")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r" *\n[\n ]*")


def strip_escapes(text: str) -> str:
    """Remove terminal escape sequences (ESC/CSI/OSC ...) with their parameters."""
    return _ESCAPES.sub("", text)


def strip_controls(text: str) -> str:
    """Remove escape sequences and every forbidden character; keeps newlines."""
    if not text:
        return ""
    text = _LINE_SEPS.sub("\n", text.replace("\r\n", "\n"))
    if "\t" in text:
        text = text.expandtabs(4)
    if "\x1b" in text or "\x9b" in text:
        text = _ESCAPES.sub("", text)
    return _BAD_CHARS.sub("", text)


def clean_line(text: str) -> str:
    """One line: controls removed, all whitespace (newlines too) collapsed to single spaces."""
    return " ".join(strip_controls(text).split())


def clean_text(text: str) -> str:
    """Several lines: controls removed, spaces collapsed, no blank or padded lines."""
    text = _SPACES.sub(" ", strip_controls(text))
    return _BLANK_LINES.sub("\n", text).strip()


def clean_code(text: str) -> str:
    """Code keeps its indentation and line breaks; only forbidden characters go."""
    return strip_controls(text).strip("\n")


def clean_href(href: str) -> str:
    href = strip_controls(href).strip()
    return "".join("%20" if ch.isspace() else ch for ch in href)


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
