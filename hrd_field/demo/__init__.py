"""Synthetic records for demos, screenshots, tests and benchmarks: realistic in shape, entirely
fictional in content. Pure Python (no Qt, no SQL); sits just above ``hrd_field.core``.

- :mod:`.generator` — field records (missions, people, consultations, threats, reprisals);
- :mod:`.corpus` — the text fragments in the six UN languages (data files in resources/demo).
"""

from __future__ import annotations

from .corpus import LANGUAGES, Texts, all_texts, texts
from .generator import demo_batch, generate

__all__ = ["LANGUAGES", "Texts", "all_texts", "demo_batch", "generate", "texts"]
