"""Many bundles in one ``hq import`` (issue 18): each device's bundles go in by sequence,
whatever order the files are named in (their names are random); on PostgreSQL several are
imported at once, with what one after another gives; a bundle that waited for its
device's turn is decided on what HQ holds when the turn comes."""

from __future__ import annotations

import copy
import functools
import hashlib
import os
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from helpers import PASSPHRASE
from helpers.cli import cli_env, ok
from helpers.hqdb import import_waiting_on
from helpers.hqkit import (
    World,
    attachment_bytes,
    cli_argv,
    jsonl,
    make_world,
    person,
    sign_bundle,
    threat,
)

from hrd_field.core.records import Person, ThreatReport
from hrd_field.hq import import_many
from hrd_field.hq.repository import StoreUnavailable
from hrd_field.hq.store import HqStore


def _mission_of(world: World, key: Any, root: Path, tag: str,
                files: tuple[bytes, ...] = ()) -> tuple[
        list[Path], list[Person], list[ThreatReport]]:
    """Three bundles of one device: people; threats linking them, and a new version of
    two of the people; more threats. Returned in sequence order. ``files``: attachments
    the second and third bundles carry, one each."""
    people = [person(f"{tag} defender {i}", notes="first") for i in range(6)]
    threats = [threat(f"{tag} report {i}", person_ids=[people[i].id]) for i in range(6)]
    later = [copy.deepcopy(p) for p in people[:2]]
    for p in later:
        p.version, p.notes = 2, "second"
    bundles = [
        sign_bundle(root / "1", key, world.recipients, 1, jsonl(people),
                    counts={"person": 6}),
        sign_bundle(root / "2", key, world.recipients, 2, jsonl([*threats[:3], *later]),
                    counts={"threat_report": 3, "person": 2}, attachments=files[:1]),
        sign_bundle(root / "3", key, world.recipients, 3, jsonl(threats[3:]),
                    counts={"threat_report": 3}, attachments=files[1:]),
    ]
    return bundles, people, threats


def _held_as_sent(world: World, people: list[Person], threats: list[ThreatReport]) -> None:
    with world.store() as store:
        for i, report in enumerate(threats):
            held = store.repo.get(report.id)
            # linked to the person, not to a pseudonymous stub of them
            assert held.person_ids == [people[i].id], held
            assert held.persons_not_shared == []
        assert [store.repo.get(p.id).notes for p in people] == ["second"] * 2 + ["first"] * 4
        assert store.repo.alarms() == []


def test_a_devices_bundles_go_in_by_sequence_whatever_order_they_are_given(
        tmp_path: Path, hq_database: str | None) -> None:
    world = make_world(tmp_path / "w", database=hq_database)
    bundles, people, threats = _mission_of(world, world.device, tmp_path / "b", "A")
    given = [bundles[2], bundles[1], bundles[0]]  # e.g. `hq import *.hrdb`
    res = ok(world.hrd("hq", "import", *given, "--store", world.store_dir, "--json"))
    # told in the order given; each bundle counted as imported in sequence order
    assert [(r["file"], r["sequence"], r["status"]) for r in res.json()] == [
        (str(given[0]), 3, "imported"), (str(given[1]), 2, "imported"),
        (str(given[2]), 1, "imported")]
    assert res.json()[1]["counts"] == {"records": 5, "attachments": 0, "new": 3,
                                       "updated": 2}
    _held_as_sent(world, people, threats)


def test_bundles_imported_at_once_hold_what_one_after_another_holds(
        tmp_path: Path, pg_world: World) -> None:
    world = pg_world
    other = world.add_device("laptop-2")
    mine, people, threats = _mission_of(world, world.device, tmp_path / "a", "A")
    # their later bundles carry files: each waits for the one before it before it starts
    files = (os.urandom(300_000), os.urandom(200_000))
    theirs, people_2, threats_2 = _mission_of(world, other.key, tmp_path / "b", "B", files)
    not_a_bundle = tmp_path / "notes.hrdb"
    not_a_bundle.write_bytes(b"not a bundle at all\n" * 100)
    given = [mine[2], theirs[1], not_a_bundle, mine[1], theirs[2], mine[0], theirs[0]]
    res = world.hrd("hq", "import", *given, "--store", world.store_dir, "--json", "--jobs",
                    "3")
    assert res.returncode == 1, res.stderr  # the file that is not a bundle
    assert "Traceback" not in res.stderr
    told = res.json()
    assert [r["file"] for r in told] == [str(p) for p in given]
    assert [r["status"] for r in told] == ["imported"] * 2 + ["rejected"] + ["imported"] * 4
    # each bundle met what the ones before it in its device's sequence had left
    assert [told[n]["counts"].get("updated", 0) for n in (3, 1)] == [2, 2]
    _held_as_sent(world, people, threats)
    _held_as_sent(world, people_2, threats_2)
    with world.store() as store:
        for data in files:
            assert attachment_bytes(store, hashlib.sha256(data).hexdigest()) == data
    again = ok(world.hrd("hq", "import", *mine, "--store", world.store_dir, "--jobs", "2"))
    assert again.stdout.count("Already imported") == 3, again.stdout


def test_importing_several_at_once_needs_postgresql(tmp_path: Path) -> None:
    world = make_world(tmp_path / "w")
    bundles, _people, _threats = _mission_of(world, world.device, tmp_path / "b", "A")
    res = world.hrd("hq", "import", *bundles, "--store", world.store_dir, "--jobs", "2")
    assert res.returncode != 0 and "Traceback" not in res.stderr
    assert "PostgreSQL" in res.stderr and "--jobs" in res.stderr, res.stderr
    french = subprocess.run(
        cli_argv("hq", "import", *bundles, "--store", world.store_dir, "--jobs", "2",
                 passfile=world.passfile),
        env={**cli_env(), "LANGUAGE": "fr", "LC_ALL": "", "LANG": "fr_FR.UTF-8"},
        capture_output=True, text=True, check=False)
    assert french.returncode == res.returncode
    assert "le magasin intégré les importe l’un après l’autre" in french.stderr, french.stderr
    with world.store() as store:
        assert store.repo.rows(limit=10) == []
    ok(world.hrd("hq", "import", *bundles, "--store", world.store_dir))  # one at a time


@pytest.mark.parametrize("same", [True, False])
def test_a_bundle_waiting_for_its_devices_turn_is_decided_on_what_hq_holds_then(
        tmp_path: Path, pg_world: World, same: bool) -> None:
    """Another import of the same device logs sequence 1 while this one waits for the
    device's turn: the same bundle is then already imported; a different one under the
    same sequence is the alarm of a cloned device."""
    world = pg_world
    bundle = sign_bundle(tmp_path / "b", world.device, world.recipients, 1,
                         jsonl([person("Waiting")]), counts={"person": 1})
    assert world.database is not None
    key = world.device.public_key().to_base64()
    with world.store() as store:
        sha = _manifest_sha256(store, bundle) if same else "f" * 64
        with psycopg.connect(world.database) as other:
            other.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 7))", (key,))
            other.execute("INSERT INTO hq_bundles (device_key, seq, bundle_id,"
                          " manifest_sha256, imported_at, summary) VALUES (%s, 1, 'b-1', %s,"
                          " 'x', '{}')", (key, sha))
            outcome = import_waiting_on(other, store, bundle, world.database,
                                        "SELECT pg_advisory_xact_lock")
        assert outcome.status == ("duplicate" if same else "equivocation"), outcome.message
        assert store.repo.rows(limit=10) == []


def _manifest_sha256(store: Any, bundle: Path) -> str:
    from hrd_field.bundle import MemorySink, read_bundle

    return read_bundle(bundle, identities=store.identities(),
                       sink=MemorySink()).manifest_sha256


def test_ctrl_c_during_imports_at_once_leaves_each_bundle_whole_or_absent(
        tmp_path: Path, pg_world: World) -> None:
    def ctrl_c(group: int) -> None:
        os.killpg(group, signal.SIGINT)  # Ctrl+C reaches the whole terminal's group

    bundles, code, err = _stopped_import(pg_world, tmp_path, ctrl_c)
    assert code in (0, 130), err  # 0: every import had ended already
    _each_whole_or_absent_then_all(pg_world, bundles)


def test_a_worker_killed_mid_import_is_told_and_nothing_is_half_written(
        tmp_path: Path, pg_world: World) -> None:
    """A worker dies (the out-of-memory killer, say): the command stops with a clear
    message, each bundle is whole or absent, and the same import run again finishes."""

    def kill_a_worker(group: int) -> None:
        workers = [pid for pid in _in_group(group) if pid != group]
        assert workers
        os.kill(workers[0], signal.SIGKILL)

    bundles, code, err = _stopped_import(pg_world, tmp_path, kill_a_worker)
    assert code == 1 and b"An import worker stopped unexpectedly" in err, err
    _each_whole_or_absent_then_all(pg_world, bundles)


SIZES = (400, 300, 300, 300, 300, 300)


def _stopped_import(world: World, root: Path, stop: Callable[[int], None]) -> tuple[
        list[Path], int, bytes]:
    """``hq import --jobs 2`` of six bundles of one device, in its own process group,
    ``stop(group)`` once the first bundle is in (five more to go): the bundles, the
    command's exit code and its error output."""
    bundles = [sign_bundle(root / f"b{seq}", world.device, world.recipients, seq,
                           jsonl([person(f"Stopped {seq}.{i}", notes="x" * 400)
                                  for i in range(size)]), counts={"person": size})
               for seq, size in enumerate(SIZES, 1)]
    proc = subprocess.Popen(
        cli_argv("hq", "import", *bundles, "--store", world.store_dir, "--jobs", "2",
                 passfile=world.passfile),
        env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        stop(proc.pid)
        _rest, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert b"Imported" in first
    assert b"Traceback" not in err
    assert _in_group(proc.pid) == [], "workers left behind"
    return bundles, proc.returncode, err


def _each_whole_or_absent_then_all(world: World, bundles: list[Path]) -> None:
    with world.store() as store:
        held = {b.seq for b in store.repo.bundle_log()}
        # every bundle logged holds all its records, and no record came without its bundle
        assert store.repo.counts()["records"] == sum(SIZES[s - 1] for s in held)
        # a bundle is stored only after the one before it: the device's order holds
        assert held == set(range(1, len(held) + 1))
    # the rest goes in when asked again
    ok(world.hrd("hq", "import", *bundles, "--store", world.store_dir, "--jobs", "2"))
    with world.store() as store:
        assert store.repo.counts()["records"] == sum(SIZES)


def _in_group(group: int) -> list[int]:
    """The processes of this process group still running (an import's workers are forks
    of it)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if entry.name.isdigit() and int(stat[stat.rindex(")") + 2:].split()[2]) == group:
            found.append(int(entry.name))
    return found


def test_workers_that_cannot_reach_the_database_say_so_and_import_nothing(
        tmp_path: Path, pg_world: World, pg_cluster: Any) -> None:
    world = pg_world
    bundles, _people, _threats = _mission_of(world, world.device, tmp_path / "b", "A")
    with world.store() as store:
        planned = import_many.plan(store.identities(), bundles)
    assert [p.seq for p in planned] == [1, 2, 3]
    # the workers open the store at an address where no server listens (it went away)
    away = functools.partial(HqStore.open, world.store_dir, PASSPHRASE,
                             database=world.database.replace(  # type: ignore[union-attr]
                                 f":{pg_cluster.port}/", ":1/"))
    with pytest.raises(StoreUnavailable):
        list(import_many.import_at_once(away, planned, 2))
    with world.store() as store:
        assert store.repo.counts()["records"] == 0
    ok(world.hrd("hq", "import", *bundles, "--store", world.store_dir, "--jobs", "2"))
