"""A seized laptop's key against other devices' records and against its own sequence.

The attacks of the adversarial review (issue 11, items 1-3 and 8), each through bundle files
signed with a real enrolled device key and the ``hrd-field hq`` commands: another device's
record overwritten or deleted, versions pushed to 2**31, abandoned sequences and gaps below
a revocation filled with forgeries, forks in the manifest chain, a sequence of 2**53 - 1 and
a 5,000-digit integer.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.hqkit import (
    CANARY,
    FieldDevice,
    World,
    export,
    jsonl,
    make_world,
    mission,
    person,
    sign_bundle,
    signed_manifest,
    threat,
)

from hrd_field.hq.importer import import_bundle
from hrd_field.hq.rules import MAX_SEQUENCE_STEP, MAX_VERSION_STEP

GENUINE = "laptop-2 genuine threat report"


@dataclasses.dataclass
class Scene:
    world: World
    victim: FieldDevice  # laptop-2, whose threat report the seized laptop-1 attacks
    report_id: str
    mission_id: str


@pytest.fixture
def scene(tmp_path: Path, hq_database: str | None) -> Scene:
    """On both HQ backends (embedded SQLCipher, PostgreSQL): the rules are the same."""
    world = make_world(tmp_path / "w", device_name="laptop-1", database=hq_database)
    trip = mission("Goma follow-up visit")
    report = threat(f"{GENUINE} {CANARY}")
    report.mission_id = trip.id
    victim = world.add_device("laptop-2", records=[trip, report])
    [bundle] = export(victim, tmp_path / "laptop-2")
    res = world.hrd("hq", "import", bundle, "--store", world.store_dir)
    assert res.returncode == 0, res
    return Scene(world, victim, report.id, trip.id)


def hq(scene: Scene, *args: str | Path) -> object:
    res = scene.world.hrd("hq", *args, "--store", scene.world.store_dir)
    return res


def record_at_hq(scene: Scene, record_id: str, *extra: str) -> dict:  # type: ignore[type-arg]
    res = scene.world.hrd("record", "get", record_id, "--json", *extra, "--store",
                          scene.world.store_dir)
    assert res.returncode == 0, res
    return res.json()  # type: ignore[no-any-return]


def alarms(scene: Scene) -> list[dict]:  # type: ignore[type-arg]
    res = scene.world.hrd("hq", "alarms", "--json", "--store", scene.world.store_dir)
    assert res.returncode == 0, res
    return res.json()  # type: ignore[no-any-return]


def forged_report(scene: Scene, version: int, text: str) -> bytes:
    with scene.victim.vault() as vault:
        copy = vault.records.get(scene.report_id)
    copy.description, copy.version = text, version  # type: ignore[attr-defined]
    return jsonl([copy])


def tombstone(record_id: str, record_type: str, version: int) -> bytes:
    return json.dumps({"id": record_id, "type": record_type, "version": version,
                       "deleted": True, "deleted_at": "2026-01-01T00:00:00Z"}).encode() + b"\n"


# --- 1. ownership ----------------------------------------------------------------------------


def test_another_device_cannot_overwrite_a_record(scene: Scene, tmp_path: Path) -> None:
    attack = sign_bundle(tmp_path / "a", scene.world.field.key, scene.world.recipients, 1,
                         forged_report(scene, 7, "rewritten by the seized laptop"),
                         counts={"threat_report": 1})
    res = hq(scene, "import", attack, "--json")
    assert res.returncode == 1, res  # type: ignore[attr-defined]
    assert res.json()[0]["status"] == "suspect"  # type: ignore[attr-defined]
    held = record_at_hq(scene, scene.report_id)
    assert GENUINE in held["description"] and held["version"] == 1
    [alarm] = alarms(scene)
    assert alarm["kind"] == "foreign_record" and alarm["device"] == "laptop-1"
    assert "laptop-1" in alarm["detail"] and "laptop-2" in alarm["detail"]
    assert scene.report_id in alarm["detail"]


def test_a_forged_tombstone_neither_deletes_nor_hides_later_updates(scene: Scene,
                                                                    tmp_path: Path) -> None:
    attack = sign_bundle(tmp_path / "a", scene.world.field.key, scene.world.recipients, 1,
                         tombstone(scene.report_id, "threat_report", 2**31),
                         counts={"threat_report": 1})
    assert hq(scene, "import", attack).returncode == 1  # type: ignore[attr-defined]
    assert GENUINE in record_at_hq(scene, scene.report_id)["description"]
    res = scene.world.hrd("search", "genuine", "--json", "--store", scene.world.store_dir)
    assert [h["id"] for h in res.json()] == [scene.report_id]
    # laptop-2's genuine edit still wins.
    with scene.victim.vault() as vault:
        report = vault.records.get(scene.report_id)
        report.description = f"{GENUINE}, second version"  # type: ignore[attr-defined]
        vault.records.update(report)
    [update] = export(scene.victim, tmp_path / "update", since_last=True)
    res = hq(scene, "import", update, "--json")
    assert res.returncode == 0 and res.json()[0]["counts"]["updated"] == 1  # type: ignore
    held = record_at_hq(scene, scene.report_id)
    assert held["version"] == 2 and "second version" in held["description"]


def test_the_owners_tombstone_is_a_version_and_history_stays(scene: Scene,
                                                            tmp_path: Path) -> None:
    with scene.victim.vault() as vault:
        vault.records.delete(scene.report_id)
    [deletion] = export(scene.victim, tmp_path / "del", since_last=True)
    assert hq(scene, "import", deletion).returncode == 0  # type: ignore[attr-defined]
    gone = scene.world.hrd("record", "get", scene.report_id, "--store", scene.world.store_dir)
    assert gone.returncode == 1
    assert GENUINE in record_at_hq(scene, scene.report_id, "--version", "1")["description"]
    deleted = scene.world.hrd("record", "get", scene.report_id, "--version", "2", "--store",
                              scene.world.store_dir)
    assert deleted.returncode == 1 and "deletion" in deleted.stderr


def test_a_shared_mission_lets_two_devices_edit_its_records(scene: Scene,
                                                           tmp_path: Path) -> None:
    res = hq(scene, "device", "share", scene.mission_id, "laptop-1", "laptop-2")
    assert res.returncode == 0 and "laptop-1" in res.stdout, res  # type: ignore[attr-defined]
    edit = sign_bundle(tmp_path / "a", scene.world.field.key, scene.world.recipients, 1,
                       forged_report(scene, 2, "completed by the colleague's laptop"),
                       counts={"threat_report": 1})
    assert hq(scene, "import", edit).returncode == 0  # type: ignore[attr-defined]
    assert "colleague" in record_at_hq(scene, scene.report_id)["description"]
    assert alarms(scene) == []


def test_versions_only_grow_by_plausible_steps(scene: Scene, tmp_path: Path) -> None:
    key = scene.victim.key
    with scene.victim.vault() as vault:  # the bundles follow laptop-2's real first one
        previous = vault.exports.previous_manifest_sha256(2)
    with scene.world.store() as store:
        jump = sign_bundle(tmp_path / "a", key, scene.world.recipients, 2,
                           forged_report(scene, 2 + MAX_VERSION_STEP, "far future"),
                           counts={"threat_report": 1}, previous=previous)
        outcome = import_bundle(store, jump)
        assert outcome.status == "suspect"
        fresh = person("Someone new")
        fresh.version = MAX_VERSION_STEP + 1
        first = sign_bundle(tmp_path / "b", key, scene.world.recipients, 2, jsonl([fresh]),
                            previous=previous)
        assert import_bundle(store, first).status == "suspect"
    assert [a["kind"] for a in alarms(scene)] == ["version_jump", "version_jump"]
    assert GENUINE in record_at_hq(scene, scene.report_id)["description"]


# --- 2. abandoned sequences, revocation, the manifest chain ------------------------------------


@pytest.fixture
def chain(scene: Scene, tmp_path: Path) -> Iterator[tuple[Scene, dict[int, Path]]]:
    """laptop-1 signed 1-7 and 9 (8 abandoned, declared in 9); HQ received 1-6 and 9."""
    key, recipients = scene.world.field.key, scene.world.recipients
    files = {n: sign_bundle(tmp_path / f"s{n}", key, recipients, n,
                            jsonl([person(f"Witness {n}")])) for n in range(1, 8)}
    files[9] = sign_bundle(tmp_path / "s9", key, recipients, 9, jsonl([person("Witness 9")]),
                           abandoned=[8])
    res = hq(scene, "import", *(files[n] for n in (1, 2, 3, 4, 5, 6, 9)))
    assert res.returncode == 0, res  # type: ignore[attr-defined]
    yield scene, files


def test_a_revoked_key_cannot_fill_gaps(chain: tuple[Scene, dict[int, Path]],
                                        tmp_path: Path) -> None:
    scene, files = chain
    assert hq(scene, "device", "revoke", "laptop-1", "--after-seq", "9").returncode == 0  # type: ignore
    key, recipients = scene.world.field.key, scene.world.recipients
    forged8 = sign_bundle(tmp_path / "f8", key, recipients, 8, jsonl([person("Forged 8")]))
    forged7 = sign_bundle(tmp_path / "f7", key, recipients, 7, jsonl([person("Forged 7")]),
                          previous=None)
    res = hq(scene, "import", forged8, forged7, "--json")
    assert res.returncode == 1  # type: ignore[attr-defined]
    assert [r["status"] for r in res.json()] == ["suspect", "suspect"]  # type: ignore
    # (imported in sequence order, 7 first, whatever the order given)
    assert [(a["sequence"], a["kind"]) for a in alarms(scene)] == [
        (7, "chain_break"), (8, "abandoned_reused")]
    # The genuine 7 is named by 9 as its previous manifest: HQ can vouch for it.
    res = hq(scene, "import", files[7], "--json")
    assert res.returncode == 0 and res.json()[0]["status"] == "imported"  # type: ignore
    assert hq(scene, "gaps", "--json").json()["laptop-1"] == []  # type: ignore


def test_a_late_bundle_below_the_cut_that_nothing_vouches_for_is_quarantined(
        scene: Scene, tmp_path: Path) -> None:
    key, recipients = scene.world.field.key, scene.world.recipients
    one = sign_bundle(tmp_path / "1", key, recipients, 1, jsonl([person("One")]))
    late = sign_bundle(tmp_path / "3", key, recipients, 3, jsonl([person("Three")]))
    assert hq(scene, "import", one).returncode == 0  # type: ignore[attr-defined]
    assert hq(scene, "device", "revoke", "laptop-1", "--after-seq", "5").returncode == 0  # type: ignore
    res = hq(scene, "import", late, "--json")
    assert res.returncode == 1 and res.json()[0]["status"] == "revoked"  # type: ignore
    assert "quarantine" in res.json()[0]["message"]  # type: ignore[attr-defined]
    assert [a["kind"] for a in alarms(scene)] == ["revoked_unvouched"]
    assert len(list((scene.world.store_dir / "quarantine").iterdir())) == 1
    res = hq(scene, "import", late, "--after-revocation")
    assert res.returncode == 0, res  # type: ignore[attr-defined]


def test_a_fork_in_the_manifest_chain_raises_an_alarm(scene: Scene, tmp_path: Path) -> None:
    key, recipients = scene.world.field.key, scene.world.recipients
    one = sign_bundle(tmp_path / "1", key, recipients, 1, jsonl([person("One")]))
    two = sign_bundle(tmp_path / "2", key, recipients, 2, jsonl([person("Two")]))
    # A clone of the device after bundle 1 continues under a new number.
    clone = sign_bundle(tmp_path / "4", key, recipients, 4, jsonl([person("Clone")]),
                        previous=signed_manifest(key, 1))
    assert hq(scene, "import", one, two).returncode == 0  # type: ignore[attr-defined]
    res = hq(scene, "import", clone, "--json")
    assert res.returncode == 1 and res.json()[0]["status"] == "suspect"  # type: ignore
    assert [a["kind"] for a in alarms(scene)] == ["fork"]


# --- 3. sequence steps and gaps as ranges ------------------------------------------------------


def test_a_huge_sequence_is_refused_and_gaps_are_ranges(scene: Scene, tmp_path: Path) -> None:
    key, recipients = scene.world.field.key, scene.world.recipients
    one = sign_bundle(tmp_path / "1", key, recipients, 1, jsonl([person("One")]))
    six = sign_bundle(tmp_path / "6", key, recipients, 6, jsonl([person("Six")]))
    huge = sign_bundle(tmp_path / "h", key, recipients, 2**53 - 1, jsonl([person("Huge")]))
    far = sign_bundle(tmp_path / "f", key, recipients, 7 + MAX_SEQUENCE_STEP,
                      jsonl([person("Far")]))
    res = hq(scene, "import", one, six, huge, far, "--json")
    assert [r["status"] for r in res.json()] == ["imported", "imported", "suspect",  # type: ignore
                                                 "suspect"]
    assert [a["kind"] for a in alarms(scene)] == ["sequence_jump", "sequence_jump"]
    res = hq(scene, "gaps", "--json")
    assert res.json() == {"laptop-1": [[2, 5]], "laptop-2": []}  # type: ignore[attr-defined]
    assert "laptop-1: missing 2–5" in hq(scene, "gaps").stdout  # type: ignore[attr-defined]


# --- 8. hostile numbers: each file gets its own verdict ----------------------------------------


def test_a_5000_digit_integer_rejects_only_its_own_file(scene: Scene, tmp_path: Path) -> None:
    key, recipients = scene.world.field.key, scene.world.recipients
    line = json.loads(jsonl([person("Hostile")]))
    line["version"] = "VERSION"
    hostile = json.dumps(line).replace('"VERSION"', "9" * 5000).encode() + b"\n"
    bad = sign_bundle(tmp_path / "bad", key, recipients, 1, hostile)
    good = sign_bundle(tmp_path / "good", key, recipients, 2, jsonl([person("Fine")]))
    res = hq(scene, "import", bad, good, "--json")
    assert res.returncode == 1, res  # type: ignore[attr-defined]
    verdicts = {Path(r["file"]).parent.name: r for r in res.json()}  # type: ignore
    assert verdicts["bad"]["status"] == "rejected"
    assert "digits" in verdicts["bad"]["message"]
    assert verdicts["good"]["status"] == "imported"
    assert "Traceback" not in res.stderr  # type: ignore[attr-defined]
