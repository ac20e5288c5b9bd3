"""The whole field → HQ journey through the real ``hrd-field`` command, in subprocesses.

HQ creates its store and profile, the laptop enrols (fingerprints compared), HQ registers the
laptop's key, the laptop exports signed encrypted bundles (split by --max-size), HQ imports
them; then consent, provenance, replays, incremental exports, deletions and gaps.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from helpers.hqdb import HQ_BACKENDS, new_hq_database
from helpers.hqkit import (
    PASSPHRASE,
    Result,
    attachment_bytes,
    consultation,
    hrd,
    mission,
    ok,
    person,
    threat,
)

from hrd_field.core.records import Record
from hrd_field.demo import demo_batch
from hrd_field.hq.store import HqStore
from hrd_field.sync.identity import device_public_key, enrol
from hrd_field.vault.vault import Vault

NAME = re.compile(r"^[0-9a-f]{32}\.hrdb$")
WROTE = re.compile(r"Wrote (\S+\.hrdb) \(sequence (\d+),")
FINGERPRINT = re.compile(r"[A-Z2-7]{4}(?:-[A-Z2-7]{4}){5}")
DEVICE = "laptop-kenya"


def exported_by_rule(record: Record) -> bool:
    """Consent rules restated independently of the product (DOMAIN.md)."""
    if record.status != "final":
        return False
    if not record.HAS_CONSENT:
        return True
    c = record.consent  # type: ignore[attr-defined]
    return bool(c.obtained and c.scope.share_with_hq)


@dataclass
class Flow:
    root: Path
    passfile: Path
    store: Path
    vault: Path
    run: Callable[..., Result]
    ids: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    shas: dict[str, str] = field(default_factory=dict)
    expected: set[str] = field(default_factory=set)
    init_out: str = ""
    profile_out: str = ""
    enroll_out: str = ""
    identity: dict[str, str] = field(default_factory=dict)
    device_add_out: str = ""
    export_out: str = ""
    bundles: list[Path] = field(default_factory=list)
    imported: list[dict[str, Any]] = field(default_factory=list)
    hq_list: list[dict[str, Any]] = field(default_factory=list)

    def at_hq(self, *args: str | os.PathLike[str]) -> Result:
        return self.run(*args, "--store", self.store)

    def at_field(self, *args: str | os.PathLike[str]) -> Result:
        return self.run(*args, "--vault", self.vault)

    def hq_records(self) -> list[dict[str, Any]]:
        return ok(self.at_hq("record", "list", "--json", "--limit", "1000")).json()

    def origin_of(self, record_id: str) -> dict[str, Any]:
        """The import summary of the bundle that carried ``record_id``."""
        return next(b for b in self.imported
                    if any(a["id"] == record_id for a in b["accepted"]))


def _seed_field_vault(flow: Flow) -> None:
    portrait, photo, map_ = os.urandom(100_000), os.urandom(60_000), os.urandom(20_000)
    flow.files = {"portrait": portrait, "photo": photo, "map": map_}
    m = mission("Visit to the coast region")
    p_ok = person("Kestrel", legal_name="Amina Wanjiru-Okoth", contact="+000 555 0100",
                  notes="met at the community centre")
    p_noid = person("Heron", legal_name="Hidden Legalname", contact="+000 555 0199",
                    identity=False, notes="shares the story but not the name")
    p_noconsent = person("Sparrow", obtained=False, notes="declined consent")
    p_notshared = person("Wren", hq=False, notes="consents, but not to HQ")
    p_draft = person("Finch", status="draft", notes="not final yet")
    t = threat("Smear campaign on local radio after the visit", person_ids=[p_ok.id])
    c = consultation("Round table with fisherfolk cooperatives about evictions")
    ours = [m, p_ok, p_noid, p_noconsent, p_notshared, p_draft, t, c]
    demo = demo_batch(60, seed=11)
    for key, rec in zip(("mission", "ok", "noid", "noconsent", "notshared", "draft",
                         "threat", "consultation"), ours):
        flow.ids[key] = rec.id
    with Vault.unlock(flow.vault, PASSPHRASE) as vault:
        vault.records.create_many([*ours, *demo])
        flow.shas["portrait"] = vault.add_attachment(
            p_ok.id, io.BytesIO(portrait), filename="portrait.jpg").sha256
        # A record without identity consent: a photo that may identify, a map that cannot.
        flow.shas["photo"] = vault.add_attachment(
            p_noid.id, io.BytesIO(photo), filename="face.jpg").sha256
        ref = vault.store_attachment(io.BytesIO(map_), filename="map.png")
        ref.may_identify = False
        record = vault.records.get(p_noid.id)
        record.attachments.append(ref)
        vault.records.update(record)
        flow.shas["map"] = ref.sha256
        flow.expected = {r.id for r in [*ours, *demo] if exported_by_rule(r)}


@pytest.fixture(scope="module", params=HQ_BACKENDS)
def flow(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Flow:
    database = new_hq_database(request, request.param)
    root = tmp_path_factory.mktemp("flow")
    passfile = root / "passphrase.txt"
    passfile.write_text(PASSPHRASE + "\n", encoding="utf-8")

    def run(*args: str | os.PathLike[str]) -> Result:
        return hrd(*args, passfile=passfile)

    f = Flow(root, passfile, root / "hq", root / "field", run)
    f.init_out = ok(f.at_hq("hq", "init", "--organisation", "OHCHR HQ",
                            *(["--database", database] if database else []))).stdout
    f.profile_out = ok(f.at_hq("hq", "profile", "--out", root / "profile.json", "--url",
                            "https://intake.example.org")).stdout
    ok(f.at_field("vault", "init"))
    _seed_field_vault(f)
    f.enroll_out = ok(f.at_field("enroll", root / "profile.json", "--yes")).stdout
    f.identity = ok(f.at_field("identity", "show", "--json")).json()
    f.device_add_out = ok(f.at_hq("hq", "device", "add", f.identity["public_key"], "--name",
                               DEVICE)).stdout
    res = ok(f.at_field("export", "--out", root / "out1", "--all", "--max-size", "131072"))
    f.export_out = res.stdout
    f.bundles = [Path(p) for p, _seq in sorted(WROTE.findall(res.stdout),
                                                key=lambda m: int(m[1]))]
    res = ok(f.at_hq("hq", "import", *f.bundles, "--json"))
    f.imported = res.json()
    f.hq_list = f.hq_records()
    return f


def test_enrolment_shows_matching_fingerprints(flow: Flow) -> None:
    [hq_fp] = FINGERPRINT.findall(flow.init_out)
    assert FINGERPRINT.findall(flow.profile_out) == [hq_fp]
    assert FINGERPRINT.findall(flow.enroll_out) == [hq_fp]  # read aloud, compared with HQ
    assert "OHCHR HQ" in flow.enroll_out
    ident = flow.identity
    assert set(ident) == {"public_key", "key_id", "fingerprint"}
    assert FINGERPRINT.fullmatch(ident["fingerprint"])
    assert FINGERPRINT.findall(flow.device_add_out) == [ident["fingerprint"]]
    devices = ok(flow.at_hq("hq", "device", "list", "--json")).json()
    assert [(d["name"], d["public_key"], d["status"], d["fingerprint"]) for d in devices] == [
        (DEVICE, ident["public_key"], "active", ident["fingerprint"])]


def test_export_splits_into_random_private_files(flow: Flow) -> None:
    assert len(flow.bundles) >= 2, flow.export_out
    out = flow.root / "out1"
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(p.name for p in flow.bundles)  # no .part, nothing else
    for path in flow.bundles:
        assert NAME.match(path.name), path.name
        assert path.stat().st_mode & 0o777 == 0o600
        assert path.stat().st_size <= 131072
    # The summary says what stays on the laptop, and why.
    text = flow.export_out
    assert "Consent was not obtained" in text
    assert "Consent does not cover sharing with headquarters" in text
    assert "Still a draft" in text
    assert "names and contacts removed" in text


def test_import_counts(flow: Flow) -> None:
    assert [b["status"] for b in flow.imported] == ["imported"] * len(flow.bundles)
    assert [b["sequence"] for b in flow.imported] == list(range(1, len(flow.bundles) + 1))
    assert all(b["device"] == DEVICE for b in flow.imported)
    assert sum(b["counts"]["records"] for b in flow.imported) == len(flow.expected)
    assert sum(b["counts"]["attachments"] for b in flow.imported) == 2  # portrait and map
    assert {r["id"] for r in flow.hq_list} == flow.expected
    assert len(flow.hq_list) == len(flow.expected)


def test_provenance_names_device_bundle_and_sequence(flow: Flow) -> None:
    rid = flow.ids["ok"]
    record = ok(flow.at_hq("record", "get", rid, "--json")).json()
    origin = flow.origin_of(rid)
    assert record["provenance"] == [{
        "version": record["version"], "device": DEVICE, "bundle_id": origin["bundle_id"],
        "sequence": origin["sequence"], "received_at": record["provenance"][0]["received_at"],
        "consent_scope": record["consent"]["scope"]}]
    text = ok(flow.at_hq("record", "get", rid)).stdout
    assert f"from {DEVICE}, bundle {origin['bundle_id']}, sequence {origin['sequence']}" in text
    hits = ok(flow.at_hq("search", "Kestrel", "--json")).json()
    assert [h["id"] for h in hits] == [rid]
    assert hits[0]["provenance"]["device"] == DEVICE


def test_consent_decides_what_reaches_hq(flow: Flow) -> None:
    at_hq = {r["id"]: r for r in flow.hq_list}
    for key in ("noconsent", "notshared", "draft"):
        assert flow.ids[key] not in at_hq, key
    res = flow.at_hq("record", "get", flow.ids["noconsent"], "--json")
    assert res.returncode == 1 and "No record" in res.stderr, res
    full = at_hq[flow.ids["ok"]]
    assert full["legal_name"] == "Amina Wanjiru-Okoth" and full["contact"] == "+000 555 0100"
    assert [a["sha256"] for a in full["attachments"]] == [flow.shas["portrait"]]
    redacted = at_hq[flow.ids["noid"]]
    assert redacted["alias"] == "Heron"
    assert redacted["legal_name"] == "" and redacted["contact"] == ""
    assert [a["sha256"] for a in redacted["attachments"]] == [flow.shas["map"]]
    assert ok(flow.at_hq("search", "Legalname", "--json")).json() == []
    # The identifying photo never left; the map and the consented portrait did, intact.
    res = flow.at_hq("attachment", "get", flow.shas["photo"], "--out", flow.root / "photo")
    assert res.returncode == 1 and not (flow.root / "photo").exists()
    ok(flow.at_hq("attachment", "get", flow.shas["map"], "--out", flow.root / "map"))
    assert (flow.root / "map").read_bytes() == flow.files["map"]
    with HqStore.open(flow.store, PASSPHRASE) as store:
        assert attachment_bytes(store, flow.shas["portrait"]) == flow.files["portrait"]
        assert store.repo.attachment_size(flow.shas["photo"]) is None
        assert store.repo.attachment_size(flow.shas["map"]) == len(flow.files["map"])
        assert store.repo.counts()["attachments"] == 2


def test_reimport_is_a_harmless_duplicate(flow: Flow) -> None:
    before = flow.hq_records()
    again = ok(flow.at_hq("hq", "import", *flow.bundles, "--json")).json()
    assert [b["status"] for b in again] == ["duplicate"] * len(flow.bundles)
    assert all("Already imported" in b["message"] for b in again)
    assert [b["bundle_id"] for b in again] == [b["bundle_id"] for b in flow.imported]
    assert [b["accepted"] for b in again] == [b["accepted"] for b in flow.imported]
    assert flow.hq_records() == before
    assert ok(flow.at_hq("hq", "gaps", "--json")).json()[DEVICE] == []


def test_gaps_are_empty_after_a_complete_export(flow: Flow) -> None:
    assert ok(flow.at_hq("hq", "gaps", "--json")).json()[DEVICE] == []
    assert f"{DEVICE}: missing none" in ok(flow.at_hq("hq", "gaps")).stdout


def test_since_last_exports_the_new_version_then_the_deletion(flow: Flow) -> None:
    tid, cid = flow.ids["threat"], flow.ids["consultation"]
    nothing = ok(flow.at_field("export", "--out", flow.root / "out-none", "--since-last"))
    assert "Nothing to export" in nothing.stdout
    assert not (flow.root / "out-none").exists() or not any((flow.root / "out-none").iterdir())

    # Edit one record on the laptop.
    current = ok(flow.at_field("record", "get", tid, "--json")).json()
    old_version = current["version"]
    current["description"] += " Follow-up: the broadcaster was fined."
    edit = flow.root / "edit.json"
    edit.write_text(json.dumps(current), encoding="utf-8")
    ok(flow.at_field("record", "update", tid, "--json", edit))
    res = ok(flow.at_field("export", "--out", flow.root / "out2", "--since-last"))
    [(path, seq)] = WROTE.findall(res.stdout)
    [summary] = ok(flow.at_hq("hq", "import", path, "--json")).json()
    assert summary["status"] == "imported"
    assert summary["accepted"] == [{"id": tid, "version": old_version + 1}]
    assert summary["counts"]["records"] == 1 and summary["counts"]["attachments"] == 0
    at_hq = ok(flow.at_hq("record", "get", tid, "--json")).json()
    assert at_hq["version"] == old_version + 1
    assert at_hq["description"].endswith("the broadcaster was fined.")
    first = flow.origin_of(tid)
    assert [(p["version"], p["sequence"], p["bundle_id"]) for p in at_hq["provenance"]] == [
        (old_version, first["sequence"], first["bundle_id"]),
        (old_version + 1, int(seq), summary["bundle_id"])]
    assert int(seq) == len(flow.bundles) + 1

    # Delete another one: it travels as a tombstone and disappears from HQ's lists.
    assert any(r["id"] == cid for r in flow.hq_records())
    ok(flow.at_field("record", "delete", cid))
    res = ok(flow.at_field("export", "--out", flow.root / "out3", "--since-last"))
    assert "deletions: 1" in res.stdout
    [(path, seq)] = WROTE.findall(res.stdout)
    [summary] = ok(flow.at_hq("hq", "import", path, "--json")).json()
    assert summary["status"] == "imported" and summary["counts"]["records"] == 1
    assert summary["accepted"][0]["id"] == cid
    assert all(r["id"] != cid for r in flow.hq_records())
    assert ok(flow.at_hq("search", "fisherfolk", "--json")).json() == []
    assert ok(flow.at_hq("hq", "gaps", "--json")).json()[DEVICE] == []


def test_gaps_reported_then_filled(flow: Flow) -> None:
    """A second laptop sends three bundles; HQ gets 1 and 3 first."""
    second = flow.root / "field2"
    profile = (flow.root / "profile.json").read_bytes()
    with Vault.create(second, PASSPHRASE) as vault:
        enrol(vault, profile)
        people = [person(f"Second laptop {i}") for i in range(3)]
        vault.records.create_many(people)
        for p in people:
            vault.add_attachment(p.id, io.BytesIO(os.urandom(40_000)), filename="a.bin")
        key = device_public_key(vault).to_base64()
    ok(flow.at_hq("hq", "device", "add", key, "--name", "laptop-2"))
    res = ok(flow.run("export", "--out", flow.root / "out-2", "--all", "--max-size", "65536",
                      "--vault", second))
    by_seq = {int(seq): Path(p) for p, seq in WROTE.findall(res.stdout)}
    assert sorted(by_seq) == [1, 2, 3]
    ok(flow.at_hq("hq", "import", by_seq[1], by_seq[3]))
    assert ok(flow.at_hq("hq", "gaps", "--json")).json() == {DEVICE: [], "laptop-2": [[2, 2]]}
    assert "laptop-2: missing 2" in ok(flow.at_hq("hq", "gaps")).stdout
    ok(flow.at_hq("hq", "import", by_seq[2]))
    assert ok(flow.at_hq("hq", "gaps", "--json")).json() == {DEVICE: [], "laptop-2": []}
    ids = {r["id"] for r in flow.hq_records()}
    assert {p.id for p in people} <= ids
