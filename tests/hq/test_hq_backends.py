"""The HQ repository's promises, the same on both backends (``hq_database`` runs each test
on the embedded store and on PostgreSQL): reports through the portable views, records
made at HQ, search with provenance, backup while open and restore into a new store."""

from __future__ import annotations

import copy
import io
import json
import os
from pathlib import Path

import pytest
from helpers.cli import assert_user_error
from helpers.hqkit import (
    CANARY,
    World,
    attachment_bytes,
    export,
    jsonl,
    make_world,
    ok,
    person,
    repo_counts,
    sign_bundle,
    threat,
)

from hrd_field.core.records import Mission, PartialDate, Place
from hrd_field.hq.importer import import_bundle
from hrd_field.vault.queries import Filters, NotFound


@pytest.fixture
def world(tmp_path: Path, hq_database: str | None) -> World:
    people = [person(f"Defender {i}", notes=f"{CANARY} {i}") for i in range(3)]
    threats = [threat(f"{CANARY} threat {i}", person_ids=[people[i].id]) for i in range(3)]
    for t, (country, kind) in zip(threats, [("KE", "death_threat"), ("KE", "smear_campaign"),
                                            ("CO", "death_threat")]):
        t.place = Place(country=country)
        t.threat_types = [kind]
    world = make_world(tmp_path / "w", records=[*people, *threats], database=hq_database)
    with world.vault() as vault:
        vault.add_attachment(people[0].id, io.BytesIO(b"scan " * 4000), filename="a.pdf")
    [bundle] = export(world.field, world.root / "out")
    with world.store() as store:
        assert import_bundle(store, bundle).status == "imported"
    return world


def test_reports_run_the_same_sql_on_both_backends(world: World) -> None:
    with world.store() as store:
        by_region = store.repo.report(
            "SELECT region, count(*) FROM report_records WHERE type = ? GROUP BY region"
            " ORDER BY region", ("threat_report",))
        assert by_region == [("africa", 2), ("americas", 1)]
        by_kind = store.repo.report(
            "SELECT t.code, count(*) AS n FROM report_terms t WHERE t.vocab = 'threat_type'"
            " GROUP BY t.code ORDER BY n DESC, t.code")
        assert by_kind == [("death_threat", 2), ("smear_campaign", 1)]
        share = store.repo.report(
            "SELECT sum(CASE WHEN country = 'KE' THEN 1 ELSE 0 END) * 100 / count(*)"
            " FROM report_records WHERE type = 'threat_report' AND updated_at LIKE '2%'")
        assert share == [(66,)]
        with pytest.raises(Exception, match="single SELECT"):
            store.repo.report("DELETE FROM report_records")
        with pytest.raises(Exception, match="single SELECT"):
            store.repo.report("WITH x AS (SELECT 1) SELECT * FROM x; DROP TABLE hq_devices")


def test_records_made_at_hq_and_search_with_provenance(world: World) -> None:
    with world.store() as store:
        made = store.repo.create(Mission(title="Follow-up visit", country="KE",
                                         status="final"))
        assert made.version == 1 and store.repo.provenance(made.id) == []
        made.title = "Follow-up visit (postponed)"
        assert store.repo.update(made).version == 2
        assert store.repo.get(made.id).title == "Follow-up visit (postponed)"
        assert [r.id for r in store.repo.rows(Filters(type="mission"))] == [made.id]
        store.repo.delete(made.id)
        with pytest.raises(NotFound):
            store.repo.get(made.id)
        hits = store.repo.search(f"{CANARY} threat 2")
        assert len(hits) == 1 and "[" in hits[0].snippet
        [origin] = store.repo.provenance(hits[0].id)
        assert origin.device == world.device_name and origin.seq == 1
        assert store.repo.count(Filters(type="threat_report"), text=CANARY) == 3
        rows = store.repo.rows(Filters(type="threat_report"), order_by="event_date")
        assert len(rows) == 3 and {r.codes for r in rows} == {("death_threat",),
                                                               ("smear_campaign",)}


def test_pages_of_whole_records_follow_the_rows_order_and_filters(world: World) -> None:
    """What reports read every record of a type through: whole, unsealed records, in the
    list's order, under its filters, page after page, deleted ones left out."""
    with world.store() as store:
        gone = store.repo.create(Mission(title="Cancelled visit", country="KE"))
        store.repo.delete(gone.id)
        threats = Filters(type="threat_report")
        for order_by in ("event_date", "updated_at", "title"):
            for descending in (False, True):
                rows = store.repo.rows(threats, order_by=order_by, descending=descending)
                whole = [*store.repo.page(threats, order_by=order_by, descending=descending,
                                          limit=2),
                         *store.repo.page(threats, order_by=order_by, descending=descending,
                                          limit=2, offset=2)]
                assert [r.id for r in whole] == [r.id for r in rows]
                assert [r.version for r in whole] == [r.version for r in rows]
        assert all(CANARY in r.description for r in whole)
        assert {r.place.country for r in store.repo.page(Filters(type="threat_report",
                                                                 country="KE"))} == {"KE"}
        assert store.repo.page(Filters(type="mission")) == []
        with pytest.raises(Exception, match="sort"):
            store.repo.page(threats, order_by="sealed")


def test_report_records_carry_the_columns_terms_and_body_of_each_dated_record(
        world: World) -> None:
    """What a report counts when the numbers are in the bodies: live records of the type,
    inside the dates (the last day whole), with their region, terms and plain body."""
    with world.store() as store:
        made = []
        for day, country in (("2024-12-31", "KE"), ("2025-01-01", "CO"), ("2025-06-30", "KE"),
                             ("2025-07-01", "KE")):
            t = threat(f"{CANARY} dated {day}")
            t.incident_date = PartialDate(date=day)
            t.place = Place(country=country)
            t.threat_types = ["death_threat", "smear_campaign"]
            made.append(store.repo.create(t))
        store.repo.delete(made[2].id)
        found = list(store.repo.report_records("threat_report", "2025-01-01", "2025-07-01"))
        assert sorted(r.body["id"] for r in found) == sorted([made[1].id, made[3].id])
        by_day = {r.event_date[:10]: r for r in found if r.event_date}
        assert set(by_day) == {"2025-01-01", "2025-07-01"}
        first = by_day["2025-01-01"]
        assert (first.country, first.region) == ("CO", "americas")
        assert {("threat_type", "death_threat"), ("threat_type", "smear_campaign")} \
            <= first.terms
        assert first.body["description"] == f"{CANARY} dated 2025-01-01"
        assert list(store.repo.report_records("consultation", "2025-01-01",
                                              "2025-12-31")) == []


def test_a_search_pages_and_counts_what_the_store_holds_now(world: World) -> None:
    """A list asks for a search's count, then its pages as the person scrolls: the pages
    follow one another, and a record changed, added or deleted between two askings is
    counted and listed as it is now (the PostgreSQL store keeps a search's matches)."""
    with world.store() as store:
        repo = store.repo
        threats = Filters(type="threat_report")
        assert repo.count(threats, text=f"{CANARY} threat") == 3
        whole = repo.rows(threats, text=f"{CANARY} threat", order_by="updated_at")
        paged = [r for i in range(3) for r in repo.rows(threats, text=f"{CANARY} threat",
                                                        order_by="updated_at", limit=1,
                                                        offset=i)]
        assert [r.id for r in paged] == [r.id for r in whole]
        by_title = repo.rows(threats, text=CANARY, order_by="title", descending=False)
        assert [r.title for r in by_title] == sorted(r.title for r in by_title)
        changed = repo.get(whole[0].id)
        changed.description = "Moved to another file"
        repo.update(changed)
        assert repo.count(threats, text=f"{CANARY} threat") == 2
        assert whole[0].id not in {r.id for r in repo.rows(threats, text=f"{CANARY} threat")}
        assert [h.id for h in repo.search("another file")] == [whole[0].id]
        repo.delete(whole[1].id)
        assert repo.count(threats, text=f"{CANARY} threat") == 1
        added = threat(f"{CANARY} threat 9")
        repo.create(added)
        assert {r.id for r in repo.rows(threats, text=f"{CANARY} threat")} == \
            {whole[2].id, added.id}


def test_backup_while_open_and_restore(world: World, tmp_path: Path,
                                       request: pytest.FixtureRequest) -> None:
    from helpers.hqdb import new_hq_database

    with world.store() as store:
        before = repo_counts(store)
        people = {r.id for r in store.repo.rows(Filters(type="person"))}
        [sha] = {a.sha256 for i in people for a in store.repo.get(i).attachments}
        content = attachment_bytes(store, sha)
        if world.database:  # another process, while this one holds the store open
            ok(world.hrd("hq", "backup", "--store", world.store_dir, "--out",
                         tmp_path / "b"))
        else:  # the embedded store is held by this process: its online backup
            (tmp_path / "b").mkdir()
            store.repo.backup(tmp_path / "b")
    target = None if world.database is None else new_hq_database(request, "postgresql")
    extra = [] if target is None else ["--database", target]
    res = ok(world.hrd("hq", "restore", tmp_path / "b", "--store", tmp_path / "restored",
                       *extra))
    assert "restored" in res.stdout
    world.store_dir = tmp_path / "restored"
    with world.store() as restored:
        assert repo_counts(restored) == before
        assert attachment_bytes(restored, sha) == content
        assert restored.repo.gaps() == {world.device_name: []}
    # A restore never lands on something that exists.
    assert_user_error(world.hrd("hq", "restore", tmp_path / "b", "--store",
                                tmp_path / "restored", *extra), "not empty")


def test_unknown_sql_and_files_are_clear_errors(world: World, tmp_path: Path) -> None:
    empty = tmp_path / "nothing"
    empty.mkdir()
    assert_user_error(world.hrd("hq", "restore", empty, "--store", tmp_path / "x"),
                      "no HQ backup")
    with world.store() as store:
        with pytest.raises(Exception, match="SHA-256"):
            attachment_bytes(store, "0" * 64)
    assert os.listdir(world.store_dir)


def test_a_bundle_carrying_a_record_twice_keeps_every_version_in_order(
        tmp_path: Path, hq_database: str | None) -> None:
    """Imports write a bundle in one batch; a record the bundle carries twice (two versions,
    or a version and its deletion) still ends as if each line had been stored in turn."""
    world = make_world(tmp_path / "w", database=hq_database)
    edited = person("Defender twice", notes="first wording qzxv")
    second = copy.deepcopy(edited)
    second.version, second.notes = 2, "second wording qzxw"
    gone = person("Defender deleted in the same bundle")
    deletion = {"id": gone.id, "type": "person", "version": 2, "deleted": True,
                "deleted_at": "2025-03-02T10:00:00Z"}
    lines = jsonl([edited, second, gone]) + json.dumps(deletion).encode() + b"\n"
    bundle = sign_bundle(world.root / "out", world.device, world.recipients, 1, lines,
                         counts={"person": 3})
    with world.store() as store:
        outcome = import_bundle(store, bundle)
        assert outcome.status == "imported", outcome.message
        assert outcome.counts["new"] == 2 and outcome.counts["updated"] == 2
        assert store.repo.get(edited.id).notes == "second wording qzxw"
        assert [p.version for p in store.repo.provenance(edited.id)] == [1, 2]
        assert [p.version for p in store.repo.provenance(gone.id)] == [1, 2]
        with pytest.raises(NotFound):
            store.repo.get(gone.id)
        assert [h.id for h in store.repo.search("qzxw")] == [edited.id]
        assert store.repo.search("qzxv") == []
        assert import_bundle(store, bundle).status == "duplicate"
