"""A bundle's records go in as one batch (issue 18): records HQ does not hold are written
whole, records it holds are updated, and each batch is still all or nothing, filterable by
its codes and found by search as soon as the import returns. On both HQ backends; the
PostgreSQL-only paths (a record another import creates meanwhile, an HQ whose database
allows no temporary tables) at the end."""

from __future__ import annotations

import copy
import gc
from pathlib import Path
from typing import Any

import psycopg
import pytest
from helpers.hqdb import import_waiting_on
from helpers.hqkit import (
    PASSPHRASE,
    World,
    jsonl,
    make_world,
    person,
    repo_counts,
    sign_bundle,
    threat,
)

from hrd_field.core import linking
from hrd_field.hq import pg_schema
from hrd_field.hq.importer import import_bundle
from hrd_field.hq.store import HqStore
from hrd_field.vault.queries import Filters

WORD = "kestrelqv"


def _threat(i: int, person_ids: list[str]) -> Any:
    report = threat(f"{WORD} report {i}", person_ids=person_ids)
    report.threat_types = ["death_threat" if i % 2 else "smear_campaign"]
    return report


def test_new_and_held_records_in_one_bundle(tmp_path: Path, hq_database: str | None) -> None:
    world = make_world(tmp_path / "w", database=hq_database)
    people = [person(f"Defender {i}", notes=f"{WORD} first {i}") for i in range(30)]
    first = sign_bundle(world.root / "1", world.device, world.recipients, 1, jsonl(people),
                        counts={"person": 30})
    later = [copy.deepcopy(p) for p in people[:10]]
    for p in later:
        p.version, p.notes = 2, f"{WORD} second {p.alias}"
    threats = [_threat(i, [people[i].id]) for i in range(20)]
    second = sign_bundle(world.root / "2", world.device, world.recipients, 2,
                         jsonl([*later, *threats]), counts={"person": 10,
                                                            "threat_report": 20})
    with world.store() as store:
        assert import_bundle(store, first).status == "imported"
        outcome = import_bundle(store, second)
        assert outcome.status == "imported", outcome.message
        assert outcome.counts["updated"] == 10 and outcome.counts["new"] == 20
        # found at once, by words old and new; the held records carry their new text
        assert len(store.repo.search(WORD, limit=100)) == 50
        assert {h.id for h in store.repo.search("second", limit=100)} == {
            p.id for p in later}
        assert store.repo.get(people[3].id).notes == f"{WORD} second Defender 3"
        assert store.repo.get(people[20].id).version == 1
        # the codes of new and updated records filter
        death = store.repo.rows(Filters(type="threat_report",
                                        terms={"threat_type": "death_threat"}), limit=100)
        assert len(death) == 10
        # links to people HQ held before the bundle count them
        report = store.repo.get(threats[0].id)
        assert report.persons_concerned.women + report.persons_concerned.men \
            + report.persons_concerned.non_binary + report.persons_concerned.not_stated >= 1
        assert repo_counts(store)["hq_versions"] == 60
        assert import_bundle(store, second).status == "duplicate"


@pytest.mark.parametrize("gender", [None, "woman", "man", "non_binary", "another_identity",
                                    "prefers_not_to_say"])
def test_links_to_people_held_before_count_them_by_gender(
        tmp_path: Path, hq_database: str | None, gender: str | None) -> None:
    """A threat linking people HQ received in an earlier bundle counts them by the gender
    HQ holds (the bundle's own count of them left at nothing)."""
    world = make_world(tmp_path / "w", database=hq_database)
    people = [person(f"Counted {i}") for i in range(3)]
    for p in people:
        p.gender = gender
    first = sign_bundle(world.root / "1", world.device, world.recipients, 1, jsonl(people),
                        counts={"person": 3})
    report = _threat(1, [p.id for p in people])
    second = sign_bundle(world.root / "2", world.device, world.recipients, 2, jsonl([report]),
                         counts={"threat_report": 1})
    with world.store() as store:
        assert import_bundle(store, first).status == "imported"
        assert import_bundle(store, second).status == "imported"
        held = store.repo.get(report.id).persons_concerned
    assert held == linking.counts_of([gender] * 3)


def test_one_foreign_record_refuses_the_whole_batch(tmp_path: Path,
                                                    hq_database: str | None) -> None:
    world = make_world(tmp_path / "w", database=hq_database)
    theirs = person("Another laptop's defender")
    other = world.add_device("laptop-2", records=[])
    bundle = sign_bundle(world.root / "2", other.key, world.recipients, 1, jsonl([theirs]))
    with world.store() as store:
        assert import_bundle(store, bundle).status == "imported"
        before = repo_counts(store)
        mine = [person(f"Mine {i}", notes=WORD) for i in range(40)]
        stolen = copy.deepcopy(theirs)
        stolen.version, stolen.notes = 2, "overwritten"
        batch = sign_bundle(world.root / "1", world.device, world.recipients, 1,
                            jsonl([*mine[:20], stolen, *mine[20:]]), counts={"person": 41})
        outcome = import_bundle(store, batch)
        assert outcome.status == "suspect", outcome.message
        after = repo_counts(store)
        assert {k: v for k, v in after.items() if k != "hq_alarms"} == {
            k: v for k, v in before.items() if k != "hq_alarms"}
        assert store.repo.search(WORD) == []
        assert store.repo.get(theirs.id).notes == ""


# --- PostgreSQL only ---------------------------------------------------------------------


def test_imports_leave_the_cycle_collector_as_they_found_it(
        tmp_path: Path, hq_database: str | None) -> None:
    """The importer pauses Python's cycle collector while it works (issue 18); whatever the
    outcome, it is left as it was."""
    world = make_world(tmp_path / "w", database=hq_database)
    people = [person(f"Defender {i}") for i in range(5)]
    good = sign_bundle(world.root / "1", world.device, world.recipients, 1, jsonl(people),
                       counts={"person": 5})
    bad = sign_bundle(world.root / "2", world.device, world.recipients, 2,
                      jsonl(people[:1]) + b"{not json\n", counts={"person": 2})
    # a GUI test run before this one in the same process may have left the collector off
    # (the app collects on its GUI thread instead): both states are set here
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        with world.store() as store:
            assert import_bundle(store, good).status == "imported"
            assert gc.isenabled()
            assert import_bundle(store, bad).status == "rejected"
            assert gc.isenabled()
            gc.disable()
            assert import_bundle(store, good).status == "duplicate"
            assert not gc.isenabled()
    finally:
        if was_enabled:
            gc.enable()
        else:
            gc.disable()


def test_a_record_created_meanwhile_by_another_import_is_held_not_overwritten(
        pg_world: World) -> None:
    """Between the import's look at what HQ holds and its write, another transaction
    creates one of the bundle's records: the import waits for it, then treats the record
    as held (its version 5 stays), and writes the others."""
    world = pg_world
    people = [person(f"Raced {i}", notes=WORD) for i in range(5)]
    bundle = sign_bundle(world.root / "1", world.device, world.recipients, 1, jsonl(people),
                         counts={"person": 5})
    assert world.database is not None
    with psycopg.connect(world.database) as other, world.store() as store:
        other.execute("INSERT INTO hq_records (id, type, version, status, created_at,"
                      " updated_at, sealed) VALUES (%s, 'person', 5, 'final', 'x', 'x',"
                      " '\\x00')", (people[2].id,))  # not committed yet
        # the rows go by COPY (the fast path) or, on a second try, by INSERT
        outcome = import_waiting_on(other, store, bundle, world.database,
                                    "INSERT INTO hq_records", "COPY hq_records")
        assert outcome.status == "imported", outcome.message
        assert outcome.counts["new"] == 4 and outcome.counts["older"] == 1
        with psycopg.connect(world.database, autocommit=True) as conn:
            assert conn.execute("SELECT version FROM hq_records WHERE id = %s",
                                (people[2].id,)).fetchone() == (5,)
            # the stand-in row has no real sealed content: out of the way of search
            conn.execute("DELETE FROM hq_records WHERE id = %s", (people[2].id,))
        assert {h.id for h in store.repo.search(WORD)} == {
            p.id for i, p in enumerate(people) if i != 2}


def test_a_version_another_import_holds_meanwhile_is_compared_not_written_twice(
        pg_world: World) -> None:
    """Another transaction creates one of the bundle's records with its own version 1 (a
    different text) while the import runs: the import waits for it, then compares its
    version 1 with the one now held (an alarm: they differ) instead of writing it twice."""
    world = pg_world
    people = [person(f"Twice {i}", notes=WORD) for i in range(5)]
    bundle = sign_bundle(world.root / "1", world.device, world.recipients, 1, jsonl(people),
                         counts={"person": 5})
    assert world.database is not None
    raced = people[3].id
    with psycopg.connect(world.database) as other, world.store() as store:
        other.execute("INSERT INTO hq_records (id, type, version, status, created_at,"
                      " updated_at, sealed) VALUES (%s, 'person', 1, 'final', 'x', 'x',"
                      " '\\x00')", (raced,))
        other.execute("INSERT INTO hq_versions (record_id, version, type, device_key,"
                      " body_fingerprint, sealed, received_at) VALUES (%s, 1, 'person',"
                      " 'another device', 'another text', '\\x00', 'x')", (raced,))
        other.execute("INSERT INTO hq_owners (record_id, device_key, type) VALUES (%s,"
                      " 'another device', 'person')", (raced,))  # none committed yet
        # the rows go by COPY (the fast path) or, on a second try, by INSERT
        outcome = import_waiting_on(other, store, bundle, world.database,
                                    "INSERT INTO hq_records", "COPY hq_records")
        assert outcome.status == "imported", outcome.message
        assert outcome.counts["new"] == 4 and outcome.counts["known"] == 1
        assert [(a[1], a[4]) for a in store.repo.alarms()] == [
            ("version_conflict", f"record {raced} version 1 differs")]
        with psycopg.connect(world.database, autocommit=True) as conn:
            assert conn.execute("SELECT device_key FROM hq_owners WHERE record_id = %s",
                                (raced,)).fetchone() == ("another device",)
            assert conn.execute("SELECT count(*) FROM hq_owners").fetchone() == (5,)
            conn.execute("DELETE FROM hq_records WHERE id = %s", (raced,))


def test_an_hq_database_without_temporary_tables_still_imports(
        pg_world: World, pg_cluster: Any) -> None:
    """The rows are staged in a temporary table; where the database refuses them to the
    HQ's role (here the least-privileged intake role), the import sends arrays instead."""
    world = pg_world
    assert world.database is not None
    name = world.database.rsplit("/", 1)[1]
    pg_cluster.psql(pg_schema.ROLES_SQL, database=name)
    pg_cluster.psql("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname ="
                    " 'intake_no_temp') THEN CREATE ROLE intake_no_temp LOGIN IN ROLE"
                    " hrd_intake; END IF; END $$;", database=name)
    pg_cluster.psql(f'REVOKE TEMPORARY ON DATABASE "{name}" FROM PUBLIC', database=name)
    url = pg_cluster.url(name, "intake_no_temp")
    with psycopg.connect(url) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("CREATE TEMP TABLE t (x int)")
    people = [person(f"No temp {i}", notes=WORD) for i in range(12)]
    bundle = sign_bundle(world.root / "1", world.device, world.recipients, 1, jsonl(people),
                         counts={"person": 12})
    with HqStore.open(world.store_dir, PASSPHRASE, database=url) as store:
        outcome = import_bundle(store, bundle)
        assert outcome.status == "imported", outcome.message
        assert len(store.repo.search(WORD)) == 12


def test_rows_reach_postgresql_unchanged(pg_world: World) -> None:
    """New rows go to the server by binary COPY, made one by one as the previous ones
    travel: whatever a value holds comes back as it was."""
    from hrd_field.hq.postgres.batch import _copy, text_array

    values = [("a\tb", b"\x00\\x'\n", ["threat_type:c\\d", "x:e\nf\rg"]),
              ("\\N", b"", []), ("ح人", bytes(range(256)) * 40, ["v:", ":", "a:b:c"])]
    assert pg_world.database is not None
    with psycopg.connect(pg_world.database) as conn:
        conn.execute("CREATE TEMP TABLE t (a text, b bytea, c text[])")
        _copy(conn, "t (a, b, c)", ("text", "bytea", "text[]"), iter(values))
        assert conn.execute("SELECT a, b, c FROM t").fetchall() == values
        # the terms of new rows go as text_array's bytes, read by the server as text[]
        # (the second time from the bytes made for each term the first time)
        for _ in range(2):
            conn.execute("TRUNCATE t")
            _copy(conn, "t (a, b, c)", ("text", "bytea", "bytea"),
                  ((a, b, text_array(c)) for a, b, c in values))
            assert conn.execute("SELECT a, b, c FROM t").fetchall() == values
        assert conn.execute("SELECT cardinality(c), array_ndims(c) FROM t ORDER BY a"
                            ).fetchall() == [(0, None), (2, 1), (3, 1)]


def test_no_vocabulary_code_holds_a_space() -> None:
    """New records' terms reach PostgreSQL's staging table as one text, split on spaces."""
    from hrd_field.core.vocab import VOCABULARIES

    assert [(name, code) for name, vocab in VOCABULARIES.items() for code in vocab.codes()
            if not code or any(c.isspace() for c in code) or ":" in name] == []


def test_ids_travel_as_one_text_never_split_wrong() -> None:
    from hrd_field.hq.postgres.connection import id_list

    assert id_list(["a-1", "b-2"]) == "a-1,b-2" and id_list([]) == ""
    with pytest.raises(ValueError):
        id_list(["a-1", "b,2"])
