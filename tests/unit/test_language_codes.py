"""A language has one label wherever it was declared: feed, page or the reader's filter."""

from __future__ import annotations

import pytest

from tui_reader.extract.metadata import lang_code
from tui_reader.language import primary_code
from tui_reader.ui.flows.languages import normalize_language


@pytest.mark.parametrize(
    ("declared", "label"),
    [
        ("es-ES", "es"),
        ("ES_es", "es"),
        (" pt-BR ", "pt"),
        ("de", "de"),
        ("", ""),
        ("es\x1b[31m", "es"),
        ("EN-gb", "en"),
    ],
)
def test_every_layer_labels_a_language_the_same_way(declared: str, label: str) -> None:
    assert primary_code(declared) == label
    assert normalize_language(declared) == label
    assert lang_code(declared) == label
