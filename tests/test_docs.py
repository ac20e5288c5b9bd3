"""The documented record format is the one the code enforces."""

from __future__ import annotations

import json
from pathlib import Path

from hrd_field.core.reference import markdown_reference
from hrd_field.core.schema import record_schema

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_committed_schema_is_generated_from_the_model() -> None:
    committed = json.loads((DOCS / "record.schema.json").read_text(encoding="utf-8"))
    assert committed == record_schema(), "run: hrd-field schema > docs/record.schema.json"


def test_records_md_embeds_the_current_reference() -> None:
    text = (DOCS / "records.md").read_text(encoding="utf-8")
    assert markdown_reference() in text, "regenerate with: hrd-field schema --markdown"


def test_huridocs_mapping_covers_every_act_and_perpetrator() -> None:
    from hrd_field.core.vocab import PERPETRATOR, THREAT_TYPE

    text = (DOCS / "huridocs-mapping.md").read_text(encoding="utf-8")
    for vocab in (THREAT_TYPE, PERPETRATOR):
        for code in vocab.codes():
            assert f"| `{code}` |" in text, f"{vocab.name}: {code} missing from the mapping"
