"""Vaults, HQ stores and bundles written by release 1 (tests/fixtures/release1, made by
tests/fixtures/make_release1.py with the code before the vocabulary split) open in this
release: old codes mapped, consent contradictions flagged and never changed, links at HQ
resolved, and the upgraded vault exports to the upgraded HQ with pseudonymous stubs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import PASSPHRASE

from hrd_field.core import codec
from hrd_field.core.records import Consultation, Person, ReprisalIncident, ThreatReport
from hrd_field.core.validation import validate
from hrd_field.hq.importer import import_bundle
from hrd_field.hq.store import HqStore
from hrd_field.sync.exporter import plan_export, write_export
from hrd_field.vault import migrations
from hrd_field.vault.database import Database
from hrd_field.vault.keyslots import KeyFile
from hrd_field.vault.queries import Filters
from hrd_field.vault.vault import Vault

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "release1"
OLD_CODES = ('"groups"', "women_defenders", "police_harassment", "online_attack",
             "journalists_bloggers", "long_term_prisoners")
AMINA, JUMA, IBIS, OWL, CRANE = (f"00000000-0000-4000-8000-{i:012d}" for i in range(2, 7))
CONSULTATION, THREAT = (f"00000000-0000-4000-8000-{i:012d}" for i in (7, 8))
REPRISALS = [f"00000000-0000-4000-8000-{i:012d}" for i in (10, 11, 12, 13)]


def copy_of(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    return target


def raw(root: Path) -> Database:
    key = KeyFile.from_bytes((root / "vault.key").read_bytes()).unwrap(PASSPHRASE)
    return Database(root / "vault.db", key)


def bodies(db: Database) -> list[str]:
    out = [r[0] for r in db.query("SELECT body FROM records")]
    out += [r[0] for r in db.query("SELECT body FROM drafts")]
    out += [r[0] for r in db.query("SELECT body FROM hq_versions")]
    return out


def test_fixtures_are_release1(tmp_path: Path) -> None:
    for name in ("field-vault", "hq-store"):
        db = raw(copy_of(name, tmp_path))
        try:
            assert migrations.current_version(db.conn) == 10
            assert any("women_defenders" in b for b in bodies(db))
        finally:
            db.close()


def test_field_vault_upgrades_codes_and_flags_consent(tmp_path: Path) -> None:
    root = copy_of("field-vault", tmp_path)
    with Vault.unlock(root, PASSPHRASE) as v:
        assert migrations.current_version(v.db.conn) == len(migrations.STEPS)
        assert not any(code in b for b in bodies(v.db) for code in OLD_CODES)
        records = {r.id: r for r in v.records.page(limit=100)}
        assert len(records) == 13
        for r in records.values():
            assert validate(r) == [], r.TYPE

        amina, juma, crane = records[AMINA], records[JUMA], records[CRANE]
        assert isinstance(amina, Person) and isinstance(juma, Person)
        assert isinstance(crane, Person)
        # a woman: "women defenders" only repeated her gender
        assert amina.rights_defended == ["land_environment", "climate"]
        assert (amina.legal_name, amina.contact) == ("Amina Example", "+000 555 0101")
        assert (juma.professions, juma.situations) == (["journalist"], ["remote_area"])
        assert set(crane.professions) == {"lawyer", "trade_unionist", "health_worker",
                                          "community_leader"}
        assert set(crane.rights_defended) == {"labour_rights", "migrants_rights",
                                              "anti_corruption", "business_human_rights"}
        assert crane.situations == ["disability"]
        ibis = v.records.get(IBIS)
        assert isinstance(ibis, Person)
        assert (ibis.situations, ibis.rights_defended) == (["child"], ["indigenous_rights"])
        draft = v.records.draft(JUMA)  # an editor's autosave of Juma, with old codes in it
        assert isinstance(draft, Person) and draft.professions == ["journalist"]
        # a man: "women human rights defenders" meant defending women's rights
        assert draft.rights_defended == ["womens_rights"]

        consult = records[CONSULTATION]
        assert isinstance(consult, Consultation)
        assert consult.rights_defended == ["land_environment", "climate"]
        assert consult.gender_analysis.gbv_types == ["sexual_gender_based_violence",
                                                     "threat_intimidation_harassment"]

        threat = records[THREAT]
        assert isinstance(threat, ThreatReport)
        assert threat.threat_types == ["threat_intimidation_harassment",
                                       "long_prison_sentence", "judicial_harassment"]
        assert threat.perpetrators[0] == "state_police" and "online" in threat.channels
        # Amina and Ibis are women, Owl non-binary: counted from the linked people
        assert (threat.persons_concerned.women, threat.persons_concerned.non_binary) == (2, 1)
        assert threat.person_ids == [AMINA, OWL, IBIS]  # in the field, links stay links

        flagged = [r for r in records.values() if isinstance(r, ReprisalIncident)
                   and r.review == ["consent_contradiction"]]
        assert sorted(r.id for r in flagged) == REPRISALS[:3]
        assert records[REPRISALS[3]].review == []  # type: ignore[attr-defined]
        # consent untouched: the first still says "raise confidentially" without the scope
        first = records[REPRISALS[0]]
        assert isinstance(first, ReprisalIncident)
        assert first.consent_to_act == "raise_confidentially"
        assert first.consent.scope.raise_with_state is False

        # the filters of the lists follow the new vocabularies
        assert {r.id for r in v.records.rows(Filters(
            terms={"review_reason": "consent_contradiction"}))} == set(REPRISALS[:3])
        assert [r.id for r in v.records.rows(Filters(
            terms={"profession": "journalist"}))] == [JUMA]

        # saving without resolving keeps the flag; resolving it clears the flag
        first.description = "checked with the person on the phone"
        v.records.update(first)
        again = v.records.get(first.id)
        assert isinstance(again, ReprisalIncident)
        assert again.review == ["consent_contradiction"]
        again.consent.scope.raise_with_state = True
        v.records.update(again)
        resolved = v.records.get(first.id)
        assert isinstance(resolved, ReprisalIncident) and resolved.review == []
        assert resolved.consent_to_act == "raise_confidentially"


def test_hq_store_upgrades_and_resolves_links(tmp_path: Path) -> None:
    root = copy_of("hq-store", tmp_path)
    with HqStore.open(root, PASSPHRASE) as store:
        v = store.vault
        assert not any(code in b for b in bodies(v.db) for code in OLD_CODES)
        threat = v.records.get(THREAT)
        assert isinstance(threat, ThreatReport)
        # HQ never received Owl (no consent) nor Ibis (a draft): "person not shared"
        assert threat.person_ids == [AMINA]
        assert [s.ref for s in threat.persons_not_shared] == [OWL, IBIS]
        assert all(s.gender is None for s in threat.persons_not_shared)
        assert (threat.persons_concerned.women, threat.persons_concerned.not_stated) == (1, 2)
        assert {r.id for r in v.records.rows(Filters(
            terms={"review_reason": "consent_contradiction"}))} == set(REPRISALS[:3])
        # history keeps what the device sent (ids and all), with today's codes
        sent = json.loads(v.db.query("SELECT body FROM hq_versions WHERE record_id = ?",
                                     (THREAT,))[0][0])
        assert sent["person_ids"] == [AMINA, OWL, IBIS]
        # the release-1 bundle again: a duplicate, nothing changes
        bundle = next((FIXTURES / "bundles").glob("*.hrdb"))
        assert import_bundle(store, bundle).status == "duplicate"


def test_release1_bundle_imports_into_an_upgraded_hq(tmp_path: Path) -> None:
    """A device not updated yet sends release-1 codes to an HQ that was upgraded first."""
    root = copy_of("hq-store", tmp_path)
    db = raw(root)
    try:  # forget the import, keep keys and the device registry (still release 1 here)
        with db.transaction() as c:
            for table in ("hq_bundles", "hq_versions", "hq_receipts", "record_terms",
                          "records_fts", "records", "attachments", "blob_chunks", "blobs"):
                c.execute(f"DELETE FROM {table}")
    finally:
        db.close()
    bundle = next((FIXTURES / "bundles").glob("*.hrdb"))
    with HqStore.open(root, PASSPHRASE) as store:
        outcome = import_bundle(store, bundle)
        assert outcome.status == "imported", outcome.message
        v = store.vault
        assert not any(code in b for b in bodies(v.db) for code in OLD_CODES)
        threat = v.records.get(THREAT)
        assert isinstance(threat, ThreatReport)
        assert threat.person_ids == [AMINA]
        assert threat.threat_types[0] == "threat_intimidation_harassment"
        flagged = v.records.get(REPRISALS[1])
        assert isinstance(flagged, ReprisalIncident)
        assert flagged.review == ["consent_contradiction"]
        assert flagged.consent_to_act == "sg_report"


@pytest.mark.slow
def test_upgraded_field_exports_stubs_to_upgraded_hq(tmp_path: Path) -> None:
    field, hq = copy_of("field-vault", tmp_path), copy_of("hq-store", tmp_path)
    with Vault.unlock(field, PASSPHRASE) as v:
        plan = plan_export(v, since_last=False)
        lines = [codec.parse_json(i.line) for i in plan.items]
        sent = next(d for d in lines if d["id"] == THREAT)
        # Owl never consented to HQ: a random reference; Ibis consented (still a draft): her id
        assert sent["person_ids"] == [AMINA]
        refs = [s["ref"] for s in sent["persons_not_shared"]]
        assert refs[1] == IBIS and refs[0] not in (OWL, IBIS)
        assert [s["gender"] for s in sent["persons_not_shared"]] == ["non_binary", "woman"]
        assert "legal_name" not in json.dumps(sent["persons_not_shared"])
        again = next(codec.parse_json(i.line) for i in plan_export(v, since_last=False).items
                     if i.record_id == THREAT)
        assert again["persons_not_shared"][0]["ref"] != refs[0]  # a new one each export
        written = write_export(v, plan, tmp_path / "out")
        edited = v.records.get(THREAT)
        edited.description += " Seen again in April."  # type: ignore[attr-defined]
        v.records.update(edited)
        written += write_export(v, plan_export(v, since_last=True), tmp_path / "out")
    with HqStore.open(hq, PASSPHRASE) as store:
        for b in written:
            outcome = import_bundle(store, b.path)
            assert outcome.status == "imported", outcome.message
        # the same version again with fresh stub references is no conflict
        assert store.vault.hq.alarms() == []
        threat = store.vault.records.get(THREAT)
        assert isinstance(threat, ThreatReport) and threat.version == 2
        assert threat.person_ids == [AMINA]
        assert threat.persons_concerned.women == 2 and threat.persons_concerned.non_binary == 1
