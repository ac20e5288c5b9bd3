"""HQ exports for Uwazi (CSV + ZIP), for analysts (CSV) and as JSON Lines, through the real
``hrd-field hq export`` command; the Uwazi CSV is read back with Python's csv module and
every cell mapped back to the record HQ holds (labels → codes, in all six languages)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from helpers.hqdb import HQ_BACKENDS, new_hq_database
from helpers.hqkit import World, export, make_world, ok
from helpers.samples import full_records

from hrd_field.core import codec
from hrd_field.core.i18n import catalog
from hrd_field.core.records import RECORD_TYPES, AttachmentRef, Person, Record, ThreatReport
from hrd_field.core.regions import countries, country_name
from hrd_field.core.vocab import VOCABULARIES
from hrd_field.hq import interchange
from hrd_field.hq.importer import import_bundle
from hrd_field.hq.interchange import SEPARATOR, UWAZI_LANGUAGES, Column


@pytest.fixture(scope="module", params=HQ_BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> World:
    database = new_hq_database(request, request.param)
    root = tmp_path_factory.mktemp("interchange")
    records = full_records()
    records[0].mission_id = None  # the sample mission stands alone; the others are in it
    for r in records[1:]:
        r.mission_id = records[0].id
    quiet = Person(alias="Kite-5", gender="man", status="final", legal_name="Not For HQ",
                   consent=records[1].consent.__class__(obtained=True, method="verbal",
                                                       date="2024-03-02"))
    quiet.consent.scope.share_with_hq = True  # the record, not the identity
    w = make_world(root, records=[*records, quiet], database=database)
    with w.store() as store:
        for path in export(w.field, root / "bundles"):
            assert import_bundle(store, path).status == "imported"
    return w


def held(world: World) -> dict[str, Record]:
    with world.store() as store:
        return {r.id: r for t in RECORD_TYPES for r in interchange.live_records(store.repo, t)}


def _label_to_code(vocab: str, lang: str) -> dict[str, str]:
    t = catalog(lang)
    return {t.gettext(label): code for code, label in VOCABULARIES[vocab].terms}


def _country_code(lang: str) -> dict[str, str]:
    return {country_name(c, lang): c for c in countries()}


def decode(col: Column, cell: str, lang: str) -> Any:
    """A Uwazi cell back to the model's value (the inverse of the export)."""
    many = cell.split(SEPARATOR) if cell else []
    if col.kind == interchange.CODE:
        return _label_to_code(col.vocab or "", lang)[cell] if cell else None
    if col.kind == interchange.CODES:
        names = _label_to_code(col.vocab or "", lang)
        return [names[v] for v in many]
    if col.kind == interchange.COUNTRY:
        return _country_code(lang)[cell] if cell else None
    if col.kind == interchange.COUNTRIES:
        return [_country_code(lang)[v] for v in many]
    if col.kind == interchange.BOOL:
        return cell == catalog(lang).gettext("Yes")
    if col.kind == interchange.NUMBER:
        return int(cell) if cell else None
    if col.kind == interchange.LINES:
        return many
    if col.kind == interchange.JSON:
        return json.loads(cell) if cell else []
    return cell or None


def expected(record: Record, col: Column) -> Any:
    value: Any = record
    for name in col.path:
        value = None if value is None else getattr(value, name)
    if col.kind == interchange.JSON:
        return [codec.to_dict(v) if hasattr(v, "TYPE") else __import__("dataclasses").asdict(v)
                for v in value or []]
    if col.kind in (interchange.TEXT, interchange.CODE, interchange.COUNTRY):
        return value or None
    return value


def test_uwazi_csv_round_trips_in_six_languages(world: World, tmp_path: Path) -> None:
    out = tmp_path / "uwazi"
    res = world.hrd("hq", "export", "--format", "uwazi", "--store", world.store_dir,
                    "--out", out)
    ok(res)
    records = held(world)
    seen = 0
    for rtype in ("mission", "person", "consultation", "threat_report", "reprisal_incident"):
        text = (out / f"{rtype}.csv").read_text(encoding="utf-8")
        rows = list(csv.DictReader(io.StringIO(text)))
        cols = [c for c in interchange.columns(rtype) if not c.identity]
        assert list(rows[0]) == interchange.uwazi_header(rtype)
        assert "legal_name" not in rows[0] and "contact" not in rows[0]
        for row in rows:
            record = records[row["record_id"]]
            assert row["title"]
            for col in cols:
                if col.kind == interchange.FILES:
                    continue
                assert decode(col, row[col.name], "en") == expected(record, col), col.name
                if col.kind in interchange.TRANSLATED:
                    for lang in UWAZI_LANGUAGES:
                        got = decode(col, row[f"{col.name}__{lang}"], lang)
                        assert got == expected(record, col), (col.name, lang)
            seen += 1
    assert seen == len(records)
    # multiple values are joined by "|", thesaurus values are labels, translated per column
    threat = next(r for r in records.values() if type(r) is ThreatReport)
    row = next(r for r in csv.DictReader(io.StringIO(
        (out / "threat_report.csv").read_text(encoding="utf-8"))) if r["record_id"] == threat.id)
    assert row["threat_types"].split("|")[0] == "Death threat"
    assert row["threat_types__fr"].split("|")[0] != "Death threat"
    assert row["place_country"] == "Mexico"


def test_identity_columns_only_with_consent(world: World, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    ok(world.hrd("hq", "export", "--format", "csv", "--store", world.store_dir, "--out", out,
                 "--type", "person", "--with-identity"))
    rows = list(csv.DictReader(io.StringIO((out / "person.csv").read_text(encoding="utf-8"))))
    by_alias = {r["alias"]: r for r in rows}
    assert by_alias["Kite-5"]["legal_name"] == ""  # no consent to share identity
    assert by_alias["Rose of the valley / وردة"]["legal_name"].startswith("Fatima")
    assert by_alias["Kite-5"]["gender"] == "man"  # codes in the analysts' CSV
    assert not (out / "mission.csv").exists()
    plain = tmp_path / "plain"
    ok(world.hrd("hq", "export", "--format", "csv", "--store", world.store_dir, "--out", plain))
    assert "legal_name" not in (plain / "person.csv").read_text(encoding="utf-8")


def test_jsonl_holds_valid_records_without_identity(world: World, tmp_path: Path) -> None:
    out = tmp_path / "records.jsonl"
    ok(world.hrd("hq", "export", "--format", "jsonl", "--store", world.store_dir,
                 "--out", out))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(held(world))
    for line in lines:
        record = codec.from_dict(json.loads(line))
        if isinstance(record, Person):
            assert record.legal_name == "" and record.contact == ""
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_uwazi_zip_carries_only_files_consent_allows(tmp_path: Path) -> None:
    w = make_world(tmp_path / "w")
    with w.vault() as v:
        shown = Person(alias="Lark-2", status="final", consent=full_records()[1].consent)
        hidden = Person(alias="Wren-8", status="final",
                        consent=full_records()[1].consent.__class__(obtained=True))
        hidden.consent.scope.share_with_hq = True
        v.records.create(shown)
        v.records.create(hidden)
        v.add_attachment(shown.id, io.BytesIO(b"photo of the meeting"), filename="a b.jpg")
        v.add_attachment(hidden.id, io.BytesIO(b"map, no faces"), filename="../map.pdf")
        again = v.records.get(hidden.id)
        again.attachments[0].may_identify = False
        v.records.update(again)
    with w.store() as store:
        for path in export(w.field, tmp_path / "b"):
            assert import_bundle(store, path).status == "imported"
    out = tmp_path / "uwazi"
    ok(w.hrd("hq", "export", "--format", "uwazi", "--store", w.store_dir, "--out", out))
    with zipfile.ZipFile(out / "person.zip") as zf:
        names = set(zf.namelist())
        assert zf.read("import.csv") == (out / "person.csv").read_bytes()
        rows = list(csv.DictReader(io.StringIO(zf.read("import.csv").decode("utf-8"))))
        files = {r["alias"]: r["attachments"] for r in rows}
        assert files["Lark-2"].endswith("-a_b.jpg") and files["Wren-8"].endswith("-map.pdf")
        assert names == {"import.csv", files["Lark-2"], files["Wren-8"]}
        assert zf.read(files["Wren-8"]) == b"map, no faces"


def test_files_that_may_identify_need_identity_consent() -> None:
    person = full_records()[1]
    ref = AttachmentRef(sha256="a" * 64, filename="face.jpg", may_identify=True)
    person.attachments = [ref]
    assert interchange.files_allowed(person) == [ref]
    person.consent.scope.share_identity_with_hq = False
    assert interchange.files_allowed(person) == []


def test_unknown_format_is_a_usage_error(world: World, tmp_path: Path) -> None:
    res = world.hrd("hq", "export", "--format", "xlsx", "--store", world.store_dir,
                    "--out", tmp_path / "x")
    assert res.returncode == 2
