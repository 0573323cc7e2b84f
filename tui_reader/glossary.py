"""Brand names machine translation rendered as words ("Gorjeo" for Twitter), repaired for reading.

A glossary per language lives in `config/glossary/<language>.toml`; the user's files in
`<config dir>/glossary/` add terms or replace shipped ones. A term is repaired only where the
context says it is the brand: the published words, capitalised as in the glossary, beside one of
the term's products ("Manzana iCloud", "ID de Manzana", "Ventanas 11"), or in mid-sentence
where the language does not capitalise common nouns ("usa Gorjeo", never "una manzana").

Repairs are made on copies for display; the stored article is never changed. `Repair` spans say
where each repaired word is, so the reader can mark them and show the published text instead.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from tui_reader.models import Article, Block, LinkRef

# Before a sentence starts: nothing, or one of these (then spaces and opening quotes).
_SENTENCE_END = '.!?¿¡:;\n"«“”(—–-•'
_TOKEN = re.compile(r"[^\W_][\w.+-]*[^\W_]|[^\W_]", re.UNICODE)
_SHORT_LINK_WORD = 4  # "de", "di", "von", "des": a product may stand one of these away


@dataclass(frozen=True, slots=True)
class Term:
    published: str
    brand: str
    products: frozenset[str] = frozenset()
    mid_sentence: bool = True

    def pattern(self) -> re.Pattern[str]:
        return re.compile(r"(?<![\w-])" + re.escape(self.published) + r"(?![\w-])")


@dataclass(frozen=True, slots=True)
class Repair:
    """`brand` now stands at `start:end` of the repaired text, where `published` was."""

    start: int
    end: int
    published: str
    brand: str


@dataclass(frozen=True)
class Glossary:
    terms: Mapping[str, tuple[Term, ...]] = field(default_factory=dict)

    def for_language(self, language: str) -> tuple[Term, ...]:
        return self.terms.get(language_key(language), ())

    def published_forms(self, word: str) -> list[str]:
        """Every language's published words for a brand ("twitter" -> ["Gorjeo", ...])."""
        wanted = word.casefold()
        return sorted(
            {t.published for ts in self.terms.values() for t in ts if t.brand.casefold() == wanted}
        )

    def query_forms(self, query: str, limit: int = 8) -> list[str]:
        """`query`, then the same query with brand names as machine translation published them
        ("twitter caída" -> "Gorjeo caída", …), so search finds the text either way."""
        options = [[w, *self.published_forms(w.strip(".,;:!?\"'"))] for w in query.split()]
        forms = [""]
        for choices in options:
            forms = [f"{f} {c}".strip() for f in forms for c in choices][:limit]
        return forms if forms != [""] else [query]


def language_key(language: str) -> str:
    """ "es-ES", "es_MX", "ES" -> "es"."""
    return re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]


class GlossaryError(ValueError):
    """A glossary file that is not valid TOML or has a term without its words."""


def _terms_of(path: Path) -> list[Term]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise GlossaryError(f"{path}: {exc}") from exc
    mid_default = data.get("mid_sentence", True)
    terms: list[Term] = []
    for number, raw in enumerate(data.get("term", ()), 1):
        published, brand = raw.get("published"), raw.get("brand")
        products = raw.get("products", [])
        if not (isinstance(published, str) and published.strip() and isinstance(brand, str)):
            raise GlossaryError(f"{path}: term {number} needs `published` and `brand` strings")
        if not isinstance(products, list) or not all(isinstance(p, str) for p in products):
            raise GlossaryError(f"{path}: term {number}: `products` is a list of strings")
        mid = raw.get("mid_sentence", mid_default)
        terms.append(Term(published.strip(), brand, frozenset(products), bool(mid)))
    return terms


def load_glossary(dirs: Iterable[Path]) -> Glossary:
    """Every `<language>.toml` of `dirs`, later directories adding to and overriding earlier ones."""
    merged: dict[str, dict[str, Term]] = {}
    for directory in dirs:
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.toml")):
            terms = merged.setdefault(language_key(path.stem), {})
            for term in _terms_of(path):
                terms[term.published] = term
    return Glossary({lang: tuple(terms.values()) for lang, terms in merged.items()})


def default_glossary() -> Glossary:
    """The shipped glossary and the user's (`glossary/` beside the config file)."""
    from tui_reader.paths import defaults_dir, user_config_file

    return load_glossary([defaults_dir() / "glossary", user_config_file().parent / "glossary"])


def _word_before(text: str, start: int) -> tuple[str, int]:
    """The token ending just before `start` (spaces between) and where it starts."""
    i = start
    while i > 0 and text[i - 1] in " \t\u00a0":
        i -= 1
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] in ".+-"):
        j -= 1
    return text[j:i].strip(".-"), j


def _word_after(text: str, end: int) -> str:
    match = _TOKEN.match(text, len(text) - len(text[end:].lstrip(" \t\u00a0")))
    return match.group(0) if match else ""


def _is_brand(text: str, start: int, end: int, term: Term) -> bool:
    after = _word_after(text, end)
    before, before_at = _word_before(text, start)
    if after in term.products or before in term.products:
        return True
    if before and before.islower() and len(before) <= _SHORT_LINK_WORD:
        further, _ = _word_before(text, before_at)
        if further in term.products:  # "ID de Manzana"
            return True
    if not term.mid_sentence:
        return False
    i = start
    while i > 0 and text[i - 1] in " \t\u00a0'\"«“‘":
        i -= 1
    return i > 0 and text[i - 1] not in _SENTENCE_END


def repair_text(text: str, terms: Sequence[Term]) -> tuple[str, list[Repair]]:
    """`text` with each brand-context match of `terms` replaced, and where the repairs are."""
    found: list[tuple[int, int, Term]] = []
    for term in terms:
        for match in term.pattern().finditer(text):
            if _is_brand(text, match.start(), match.end(), term):
                found.append((match.start(), match.end(), term))
    if not found:
        return text, []
    found.sort(key=lambda f: f[0])
    out: list[str] = []
    repairs: list[Repair] = []
    pos = 0
    for start, end, term in found:
        if start < pos:
            continue  # overlapping terms: the first wins
        out.append(text[pos:start])
        new_start = sum(len(part) for part in out)
        out.append(term.brand)
        repairs.append(Repair(new_start, new_start + len(term.brand), term.published, term.brand))
        pos = end
    out.append(text[pos:])
    return "".join(out), repairs


def _moved(offset: int, repairs: Sequence[Repair]) -> int:
    """An offset of the published text, in the repaired text."""
    shift = 0
    for r in repairs:
        old_start = r.start - shift
        old_end = old_start + len(r.published)
        if offset <= old_start:
            break
        if offset < old_end:
            return r.start if offset == old_start else r.end
        shift += len(r.brand) - len(r.published)
    return offset + shift


def repair_block(block: Block, terms: Sequence[Term]) -> tuple[Block, list[Repair]]:
    text, repairs = repair_text(block.text, terms)
    if not repairs:
        return block, []
    links = tuple(
        LinkRef(_moved(r.start, repairs), _moved(r.end, repairs), r.number) for r in block.links
    )
    attribution, _ = repair_text(block.attribution, terms)
    return replace(block, text=text, links=links, attribution=attribution), repairs


@dataclass(frozen=True)
class RepairedArticle:
    """An article as the reader shows it by default, and where its text was repaired."""

    article: Article
    title: str
    title_repairs: tuple[Repair, ...] = ()
    repairs: Mapping[int, tuple[Repair, ...]] = field(default_factory=dict)  # block index

    @property
    def count(self) -> int:
        return len(self.title_repairs) + sum(len(r) for r in self.repairs.values())

    def names(self) -> list[tuple[str, str]]:
        """(published, brand) pairs, once each, in reading order."""
        pairs: list[tuple[str, str]] = []
        for repair in [*self.title_repairs, *(r for rs in self.repairs.values() for r in rs)]:
            if (repair.published, repair.brand) not in pairs:
                pairs.append((repair.published, repair.brand))
        return pairs


def repair_article(
    article: Article, glossary: Glossary, language: str = "", title: str = ""
) -> RepairedArticle:
    """The article with its language's terms repaired (title, blocks, attributions)."""
    terms = glossary.for_language(article.language or language)
    title = article.title or title
    if not terms:
        return RepairedArticle(article, title)
    new_title, title_repairs = repair_text(title, terms)
    blocks: list[Block] = []
    repairs: dict[int, tuple[Repair, ...]] = {}
    for index, block in enumerate(article.blocks):
        new_block, block_repairs = repair_block(block, terms)
        blocks.append(new_block)
        if block_repairs:
            repairs[index] = tuple(block_repairs)
    if not repairs and not title_repairs:
        return RepairedArticle(article, title)
    repaired = replace(article, title=new_title if article.title else article.title)
    repaired = replace(repaired, blocks=tuple(blocks))
    return RepairedArticle(repaired, new_title, tuple(title_repairs), repairs)


def for_display(
    article: Article, language: str = "", title: str = "", *, published: bool = False
) -> tuple[Article, list[tuple[str, str]]]:
    """What `show` prints: the article with brand names repaired (unless `published`) and the
    (published, brand) names it repaired. Raises GlossaryError for a broken glossary file."""
    if published:
        return article, []
    fixed = repair_article(article, default_glossary(), language, title)
    return replace(fixed.article, title=fixed.title), fixed.names()
