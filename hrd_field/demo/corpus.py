"""The hand-written text fragments the demo records are composed from, one JSON file per UN
language in ``resources/demo/`` (installed as ``hrd_field.resources``), so translators and
reviewers edit prose, not Python."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from functools import cache
from typing import Any

from ..assets import asset_dir

LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
"""The six UN languages the synthetic text is written in (this order seeds the generator)."""


@dataclass(frozen=True, slots=True)
class Texts:
    """Hand-written fragments in one language. ``{loc}`` stands for a locality."""

    sep: str  # between sentences
    list_sep: str  # between items written on one line
    titles: dict[str, str]  # mission kind -> "{c}" country, "{y}" year
    mission_notes: tuple[str, ...]
    summary_open: tuple[str, ...]
    summary_body: tuple[str, ...]
    summary_close: tuple[str, ...]
    concerns: tuple[str, ...]
    recommendations: tuple[str, ...]
    gbv_patterns: tuple[str, ...]
    threat_open: tuple[str, ...]
    threat_body: tuple[str, ...]
    threat_close: tuple[str, ...]
    reprisal_body: tuple[str, ...]
    previous_reprisals: tuple[str, ...]
    person_notes: tuple[str, ...]
    topics: tuple[str, ...]
    actions: tuple[str, ...]
    owners: tuple[str, ...]
    unnamed_groups: tuple[str, ...]
    organisations: tuple[str, ...]  # "{r}": a fictional place name
    localities: tuple[str, ...]  # "{r}": a fictional place name
    admin_areas: tuple[str, ...]
    alias_words: tuple[str, ...]
    tags: tuple[str, ...]
    syllables: tuple[str, ...]  # for fictional place and person names
    family_endings: tuple[str, ...]
    place_endings: tuple[str, ...]
    name_space: str = " "
    capitalise: bool = False
    length: tuple[int, int] = (200, 1200)  # characters in a long paragraph

    def strings(self) -> tuple[str, ...]:
        """Every fragment of prose (not separators), for tools that study the corpus."""
        out: list[str] = list(self.titles.values())
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple) and value and isinstance(value[0], str):
                out.extend(value)
        return tuple(out)


def _texts_from(data: dict[str, Any]) -> Texts:
    known = {f.name for f in fields(Texts)}
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"unknown demo corpus keys: {sorted(unknown)}")
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v
                              for k, v in data.items()}
    return Texts(**values)


@cache
def texts(lang: str) -> Texts:
    """The fragments in ``lang`` (one of :data:`LANGUAGES`)."""
    if lang not in LANGUAGES:
        raise KeyError(lang)
    raw = (asset_dir("resources") / "demo" / f"{lang}.json").read_text(encoding="utf-8")
    return _texts_from(json.loads(raw))


def all_texts() -> dict[str, Texts]:
    """Every language's fragments, in :data:`LANGUAGES` order."""
    return {lang: texts(lang) for lang in LANGUAGES}
