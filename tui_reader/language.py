"""Whether a text is written in the language its feed or page declares, without a model.

A site may declare one language and carry articles in another (a `de-DE` feed of Portuguese
articles). Detecting every text with py3langid would load its model in every process (seconds
on a busy machine); counting a few function words of the languages the reader serves tells, for
the price of a split, whether a declaration is plainly wrong. Only then is the text detected.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tui_reader.sanitize import clean_line


@lru_cache(maxsize=1024)
def primary_code(value: str) -> str:
    """The one label for a language, wherever it was declared: "es-ES", "ES_es" and " es " are
    all "es" (the primary subtag, lower case, ASCII letters and digits only). Cached: the reader
    asks once per listed entry (50,000 at start-up) and a store holds a handful of labels."""
    primary = clean_line(value).strip().lower().replace("_", "-").split("-", 1)[0]
    return "".join(c for c in primary if c.isascii() and c.isalnum())[:8]


# Frequent short words of each language; shared words count for each language they belong to.
_WORDS = {
    "es": "el los las del y un una con es su sus al lo más pero este esta muy sin hay son "
    "cuando porque ya fue ha también desde hasta donde sobre entre",
    "pt": "o os do da dos das e em um uma com não mais na nos nas ao pelo pela é são também "
    "mas foi tem muito sem ainda quando onde isso esse essa já",
    "it": "il gli della delle degli di che è e per non una un con sono anche più ma nel "
    "nella alla dal dei questo questa come ancora già molto",
    "fr": "le les des du et un une est pas pour dans sur avec qui ce cette sont mais plus "
    "au aux leur très aussi elle il",
    "de": "der die das und ist nicht ein eine mit den dem des auch auf für sich von zu "
    "wird sind bei oder aus nach",
    "en": "the and is are of to in that with for this was not but from have has which "
    "will their they be by",
}
WORDS = {lang: frozenset(words.split()) for lang, words in _WORDS.items()}
_TOKENS = re.compile(r"[^\W\d_]+")
# A verdict needs this many function words of the winning language, and twice the declared's.
MIN_WORDS = 6


# word -> the languages it belongs to: one dict lookup per token instead of one set per language
_LANGS_OF: dict[str, tuple[str, ...]] = {}
for _lang, _words in WORDS.items():
    for _word in _words:
        _LANGS_OF[_word] = (*_LANGS_OF.get(_word, ()), _lang)


def word_scores(text: str) -> dict[str, int]:
    scores = dict.fromkeys(WORDS, 0)
    langs_of = _LANGS_OF
    for token in _TOKENS.findall(text[:3000].lower()):
        for lang in langs_of.get(token, ()):
            scores[lang] += 1
    return scores


def contradicts(text: str, declared: str) -> str:
    """The language the text's words point to when they plainly contradict `declared`
    (a primary code such as "de"), else "". Declarations outside the known languages stand."""
    if declared not in WORDS:
        return ""
    scores = word_scores(text)
    best = max(scores, key=lambda lang: scores[lang])
    if best != declared and scores[best] >= MIN_WORDS and scores[best] > 2 * scores[declared]:
        return best
    return ""


def summary_language(title: str, summary: str, declared: str) -> str:
    """An entry's language from its declaration (its primary code) unless its title and
    summary plainly contradict it: the language of an entry that has no article."""
    primary = primary_code(declared)
    return contradicts(f"{title}\n{summary}", primary) or primary
