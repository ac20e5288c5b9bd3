"""The generated index collectors (``core.collectors``) give what the walks in
``core.indexing`` give: the search text, the (vocabulary, code) terms and their texts, for
real records and for records made in code with values of the wrong kind anywhere."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from test_core_builders import SAMPLES, _odd_values

from hrd_field.core import codec, indexing
from hrd_field.demo import demo_batch


def _records() -> list[Any]:
    return [codec.from_dict(d, fast=True) for d in SAMPLES] + demo_batch(200, seed=9)


def _text_reference(record: Any) -> str:
    parts: list[str] = []
    indexing._collect_text(record, parts)
    return "\n".join(parts)


def _terms_reference(record: Any) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    indexing._collect_terms(record, out)
    return out


def _outcome(fn: Any, record: Any) -> Any:
    try:
        return ("value", fn(record))
    except Exception as exc:  # the walk's own errors are compared too
        return ("error", type(exc), str(exc))


def _term_texts_reference(record: Any) -> list[str]:
    return sorted(f"{vocab}:{code}" for vocab, code in _terms_reference(record))


def test_real_records_are_indexed_as_the_walks_index_them() -> None:
    records = _records()
    assert sum(bool(indexing.terms(r)) for r in records) > 100
    for record in records:
        assert indexing.search_text(record) == _text_reference(record)
        assert indexing.terms(record) == _terms_reference(record)
        assert indexing.term_texts(record) == _term_texts_reference(record)


def test_records_made_in_code_are_indexed_as_the_walks_index_them() -> None:
    fullest: dict[str, Any] = {}
    for data in SAMPLES:
        if len(codec.canonical(data)) > len(codec.canonical(fullest.get(data["type"], {}))):
            fullest[data["type"]] = data
    checked = 0
    for data in fullest.values():
        for odd in _odd_values(codec.from_dict(data, fast=True)):
            for fast, reference in ((indexing.search_text, _text_reference),
                                    (indexing.terms, _terms_reference),
                                    (indexing.term_texts, _term_texts_reference)):
                assert _outcome(fast, odd) == _outcome(reference, odd)
                checked += 1
    assert checked > 10_000


def _bigrams_reference(text: str) -> str:
    if not text or text.isascii():
        return ""
    grams: list[str] = []
    for run in re.findall(
            r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+", text):
        grams.extend([run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)])
    return " ".join(grams)


# characters on both sides of every bound of the quick test and of the CJK ranges
_EDGES = "aé\u00ff\u0100Жم\u0800\u0fff\u1000\u2fff\u3000\u303f\u3040\u30ff\u3100\u33ff" \
    "\u3400\u4dbf\u4dc0\u4e00\u9fff\ua000\uabff\uac00\ud7af\ud7b0\ud800\udfff\ue000" \
    "\uf8ff\uf900\ufaff\ufb00\uffff\U00010000\U0001f600\U00020000 \n"


@pytest.mark.parametrize("seed", range(3))
def test_cjk_pairs_are_found_as_before(seed: int) -> None:
    rng = random.Random(seed)
    texts = ["", "abc", "人", "人权", "人权捍卫者", "Défenseuse", "Правозащитница", "حقوق"]
    texts += ["".join(rng.choice(_EDGES) for _ in range(rng.randint(1, 12)))
              for _ in range(3_000)]
    for text in texts:
        assert indexing.cjk_bigrams(text) == _bigrams_reference(text), ascii(text)
