"""What protects the people in the records: encryption at rest, keys, erase, locking, audit.

Real vaults in temporary folders, real SQLCipher files; nothing is mocked. A leak here is
a person identified at a checkpoint, so the checks read every byte the app leaves on disk.
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlcipher3
from helpers import PASSPHRASE
from helpers.cli import assert_user_error, dumps, run_cli
from helpers.refusals import digest_dir, refused_untouched

from hrd_field.core.errors import UserError
from hrd_field.core.records import (
    Consent,
    ConsentScope,
    Consultation,
    FollowUpAction,
    Mission,
    Person,
    Place,
    ReprisalIncident,
    ThreatReport,
)
from hrd_field.vault import audit, throttle
from hrd_field.vault.database import Error as DbError
from hrd_field.vault.database import NotThisVault
from hrd_field.vault.keyslots import KeyFile, KeyFileError, WrongPassphrase
from hrd_field.vault.lock import VaultInUse
from hrd_field.vault.vault import Vault, VaultCorrupt

CANARY = "CANARY-7f3a-Zainab-الشاهدة-证人"
NEEDLES = {
    "utf-8": CANARY.encode("utf-8"),
    "utf-16-le": CANARY.encode("utf-16-le"),
    "utf-16-be": CANARY.encode("utf-16-be"),
    "ascii part": b"CANARY-7f3a",
    "ascii part utf-16": "CANARY-7f3a".encode("utf-16-le"),
    "name": b"Zainab-",
    "arabic part": "الشاهدة".encode(),
    "chinese part": "-证人".encode(),
}

OPEN_FILES = {"vault.key", "vault.db", "vault.db-wal", "vault.db-shm", "vault.hwm",
              "vault.open", "unlock-failures", "files"}
CLOSED_FILES = {"vault.key", "vault.db", "vault.hwm", "unlock-failures", "files"}


# --- helpers ------------------------------------------------------------------------------


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def leaks(path: Path, needles: dict[str, bytes] = NEEDLES) -> list[str]:
    data = path.read_bytes()
    return [f"{path.name}: {name}" for name, needle in needles.items() if needle in data]


def assert_no_canary(root: Path) -> None:
    found = [hit for p in files_under(root) for hit in leaks(p)]
    assert found == [], f"plaintext found on disk: {found}"


def assert_private(root: Path) -> None:
    assert stat.S_IMODE(root.stat().st_mode) == 0o700, oct(root.stat().st_mode)
    for p in files_under(root):
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, (p.name, oct(p.stat().st_mode))
    for d in (p for p in root.rglob("*") if p.is_dir()):
        assert stat.S_IMODE(d.stat().st_mode) == 0o700, (d.name, oct(d.stat().st_mode))


@pytest.fixture
def umask_022() -> Iterator[None]:
    """Run the code under test with an everyday umask, as a desktop session has it."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def temp_snapshot(skip: Path) -> set[Path]:
    out: set[Path] = set()
    for base in {Path(tempfile.gettempdir()), Path("/var/tmp")}:
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            here = Path(dirpath)
            # another file system mounted under a temp folder (a chroot's /proc) is not ours
            dirnames[:] = [d for d in dirnames
                           if not (here / d).resolve().is_relative_to(skip)
                           and not d.startswith("pytest-of-")
                           and not os.path.ismount(here / d)]
            out.update(here / f for f in filenames)
    return out


def deleted_temp_files_held_open() -> list[str]:
    """Files this process holds open that were unlinked (how SQLite hides temp files)."""
    out = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.endswith("(deleted)") or "etilqs" in target:
            out.append(f"{fd} -> {target}")
    return out


def canary_records() -> list:
    consent = Consent(obtained=True, method="verbal",
                      scope=ConsentScope(share_with_hq=True))
    return [
        Mission(title=f"Visit {CANARY}", country="SD", notes=f"Met {CANARY} in Khartoum",
                team=[CANARY], tags=["canary"]),
        Person(alias=f"Alias {CANARY}", legal_name=f"Legal {CANARY}",
               contact=f"+249 {CANARY}", organisation=CANARY, notes=f"Notes {CANARY}",
               location=Place(country="SD", locality=CANARY), consent=consent),
        Consultation(summary=f"Summary {CANARY}", concerns=CANARY, topics=[CANARY],
                     facilitators=[CANARY],
                     follow_up=[FollowUpAction(action=f"Call {CANARY}")], consent=consent),
        ThreatReport(description=f"Description {CANARY}", unnamed_group=CANARY,
                     threat_types=["death_threat"], consent=consent),
        ReprisalIncident(description=f"Reprisal {CANARY}", previous_reprisals=CANARY,
                         consent=consent),
    ]


# --- (a) nothing readable on disk ---------------------------------------------------------


def test_no_plaintext_on_disk_open_or_closed(vault_dir: Path, tmp_path: Path,
                                             passfile: Path, umask_022: None,
                                             tmp_path_factory: pytest.TempPathFactory
                                             ) -> None:
    temp_before = temp_snapshot(tmp_path_factory.getbasetemp().resolve())
    Vault.create(vault_dir, PASSPHRASE, actor="field officer").close()
    os.umask(0o022)  # Vault.create tightens the umask; unlock must not rely on it
    attachment = (CANARY + "\n").encode("utf-8") * 2000 + CANARY.encode("utf-16-le") * 500

    v = Vault.unlock(vault_dir, PASSPHRASE)
    try:
        ids = [v.records.create(r).id for r in canary_records()]
        ref = v.add_attachment(ids[1], io.BytesIO(attachment), filename=f"{CANARY}.txt",
                               media_type="text/plain")
        person = v.records.get(ids[1])
        person.notes += f" updated {CANARY}"
        v.records.update(person)
        draft = v.records.get(ids[2])
        draft.summary = f"Unsaved draft {CANARY}"
        v.records.save_draft(draft)
        v.records.delete(ids[4])  # a tombstone must not keep the content either
        hits = v.records.search(CANARY)
        assert {h.id for h in hits} == set(ids[:4])  # sanity: the data is really there
        assert v.records.search("证人")  # short CJK term path
        assert v.records.drafts()[0].summary.endswith(CANARY)

        # while open: WAL and all
        names = {p.name for p in vault_dir.iterdir()}
        assert names <= OPEN_FILES, names - OPEN_FILES
        assert {"vault.key", "vault.db", "vault.db-wal", "vault.open", "vault.hwm"} <= names
        assert (vault_dir / "vault.db-wal").stat().st_size > 0
        # the attachment is one sealed file whose name says nothing about its content
        [sealed] = (vault_dir / "files").iterdir()
        assert ref.sha256[:16] not in sealed.name and len(sealed.name) == 32
        assert_no_canary(vault_dir)
        assert_private(vault_dir)
        held = deleted_temp_files_held_open()
        for entry in held:
            fd = entry.split(" ")[0]
            with open(f"/proc/self/fd/{fd}", "rb") as fh:
                data = fh.read()
            assert all(n not in data for n in NEEDLES.values()), entry
    finally:
        v.close()

    assert {p.name for p in vault_dir.iterdir()} == CLOSED_FILES
    assert_no_canary(vault_dir)
    assert_private(vault_dir)

    # the command line path: stdin JSON, search, attach a file named with the canary
    src = tmp_path / "outside" / f"{CANARY}.jpg"
    src.parent.mkdir()
    src.write_bytes(attachment)
    assert leaks(src), "self-check: the detector must see plaintext"
    res = run_cli("record", "add", "--type", "person", "--json", "-", vault=vault_dir,
                  passfile=passfile, input=dumps({"alias": CANARY, "notes": CANARY}))
    assert res.returncode == 0, res.stderr
    new_id = res.stdout.strip()
    res = run_cli("search", CANARY, "--json", vault=vault_dir, passfile=passfile)
    assert new_id in {h["id"] for h in json.loads(res.stdout)}
    res = run_cli("attach", new_id, str(src), vault=vault_dir, passfile=passfile)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == ref.sha256  # same content, same digest
    assert {p.name for p in vault_dir.iterdir()} == CLOSED_FILES
    assert_no_canary(vault_dir)
    assert_private(vault_dir)

    # and nothing new in the system temp folders carries it
    new_temp = temp_snapshot(tmp_path_factory.getbasetemp().resolve()) - temp_before
    for p in new_temp:
        try:
            if p.is_file() and p.stat().st_size < 256 << 20:
                assert leaks(p) == [], p
        except OSError:  # gone, not ours to read, or not a regular file after all
            continue


def test_data_key_is_never_written_in_clear(vault_dir: Path) -> None:
    with Vault.create(vault_dir, PASSPHRASE) as v:
        v.records.create(Person(alias="Rose"))
    key = KeyFile.from_bytes((vault_dir / "vault.key").read_bytes()).unwrap(PASSPHRASE)
    forms = {"raw": key, "hex": key.hex().encode(), "HEX": key.hex().upper().encode(),
             "b64": base64.b64encode(key)}
    found = [hit for p in files_under(vault_dir) for hit in leaks(p, forms)]
    assert found == []
    # and the passphrase itself is nowhere either
    pw = {"utf-8": PASSPHRASE.encode(), "utf-16": PASSPHRASE.encode("utf-16-le")}
    assert [hit for p in files_under(vault_dir) for hit in leaks(p, pw)] == []


def test_existing_vault_folder_is_made_private(vault_dir: Path) -> None:
    vault_dir.mkdir(mode=0o755)
    os.chmod(vault_dir, 0o755)
    Vault.create(vault_dir, PASSPHRASE).close()
    assert_private(vault_dir)


# --- (b) wrong passphrases and the growing delay -----------------------------------------


def test_wrong_passphrase_same_error_counted_then_reset(vault_dir: Path, passfile: Path,
                                                       tmp_path: Path) -> None:
    Vault.create(vault_dir, PASSPHRASE).close()
    counter = vault_dir / "unlock-failures"
    vid = vault_id(vault_dir)
    messages = []
    for n, attempt in enumerate(["correct horse battery stapler", "", "€" * 5000], start=1):
        with pytest.raises(WrongPassphrase) as info:
            Vault.unlock(vault_dir, attempt)
        messages.append(str(info.value))
        assert throttle.failures(counter, vid) == n
        assert counter.read_text("ascii").split()[0] == str(n)  # a number and its MAC
        assert stat.S_IMODE(counter.stat().st_mode) == 0o600
    assert len(set(messages)) == 1 and messages[0]
    assert not (vault_dir / "vault.open").exists()

    Vault.unlock(vault_dir, PASSPHRASE).close()
    assert throttle.failures(counter, vid) == 0

    # the command line says the same, whatever the wrong passphrase, and counts across runs
    outputs = []
    for text in ["not it at all", "x" * 3000]:
        wrong = tmp_path / f"wrong-{len(text)}.txt"
        wrong.write_text(text + "\n", encoding="utf-8")
        res = run_cli("record", "list", vault=vault_dir, passfile=wrong)
        assert_user_error(res, "wrong passphrase")
        outputs.append(res.stderr)
    assert outputs[0] == outputs[1]
    assert throttle.failures(counter, vid) == 2
    assert run_cli("record", "list", vault=vault_dir, passfile=passfile).returncode == 0
    assert throttle.failures(counter, vid) == 0


def test_delay_grows_and_is_capped() -> None:
    assert [throttle.delay_for(n) for n in range(throttle.FREE_ATTEMPTS + 1)] == [0.0] * (
        throttle.FREE_ATTEMPTS + 1)
    delays = [throttle.delay_for(n) for n in range(throttle.FREE_ATTEMPTS + 1, 200)]
    assert delays[0] > 0
    assert all(b >= a for a, b in itertools.pairwise(delays))
    assert delays[1] > delays[0] and delays[2] > delays[1]  # it grows, not just stays
    assert max(delays) == throttle.MAX_DELAY_S == delays[-1]
    assert throttle.MAX_DELAY_S <= 60


def test_delay_is_really_applied_after_free_attempts(vault_dir: Path) -> None:
    Vault.create(vault_dir, PASSPHRASE).close()
    counter = vault_dir / "unlock-failures"
    vid = vault_id(vault_dir)
    for _ in range(throttle.FREE_ATTEMPTS):
        throttle.record_failure(counter, vid)
    expected = throttle.delay_for(throttle.FREE_ATTEMPTS + 1)
    assert 0 < expected <= 2
    start = time.monotonic()
    with pytest.raises(WrongPassphrase):
        Vault.unlock(vault_dir, "guess number four")
    assert time.monotonic() - start >= expected * 0.9
    assert throttle.failures(counter, vid) == throttle.FREE_ATTEMPTS + 1


def test_garbage_counter_file_does_not_lock_the_user_out(vault_dir: Path) -> None:
    Vault.create(vault_dir, PASSPHRASE).close()
    (vault_dir / "unlock-failures").write_text("not a number", "ascii")
    Vault.unlock(vault_dir, PASSPHRASE).close()
    assert throttle.failures(vault_dir / "unlock-failures", vault_id(vault_dir)) == 0


def vault_id(vault_dir: Path) -> str:
    from hrd_field.vault.keyslots import KeyFile

    return KeyFile.from_bytes((vault_dir / "vault.key").read_bytes()).vault_id


def test_huge_failure_count_is_capped_quickly() -> None:
    code = ("from hrd_field.vault.throttle import delay_for, MAX_DELAY_S\n"
            "assert delay_for(10**12) == MAX_DELAY_S\n")
    try:
        proc = subprocess.run([sys.executable, "-c", code], timeout=3, capture_output=True,
                              check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("delay_for(10**12) did not return within 3 s")
    assert proc.returncode == 0, proc.stderr


# --- (c) wipe and crypto-erase --------------------------------------------------------------


def test_cli_wipe_leaves_no_key_material_and_no_database(vault_dir: Path, passfile: Path,
                                                         tmp_path: Path) -> None:
    with Vault.create(vault_dir, PASSPHRASE) as v:
        rid = v.records.create(Person(alias=CANARY)).id
        v.add_attachment(rid, io.BytesIO(CANARY.encode() * 100), filename="a.txt")
    key_doc = json.loads((vault_dir / "vault.key").read_bytes())
    secrets = {f"slot {i} {k}": s[k].encode() for i, s in enumerate(key_doc["slots"])
               for k in ("wrapped_key", "nonce")}
    secrets["salt"] = key_doc["slots"][0]["kdf"]["salt"].encode()
    secrets["vault id"] = key_doc["vault_id"].encode()

    res = run_cli("vault", "wipe", "--yes", vault=vault_dir, passfile=passfile)
    assert res.returncode == 0, res.stderr
    remaining = files_under(vault_dir) if vault_dir.exists() else []
    assert remaining == [], remaining
    for p in files_under(tmp_path):
        assert leaks(p, secrets) == [], p
    res = run_cli("record", "list", vault=vault_dir, passfile=passfile)
    assert_user_error(res, "no vault")
    # wiping again says there is nothing to wipe
    assert_user_error(run_cli("vault", "wipe", "--yes", vault=vault_dir), "no vault")


def test_wipe_of_the_open_vault(vault_dir: Path) -> None:
    v = Vault.create(vault_dir, PASSPHRASE)
    v.records.create(Person(alias="Rose"))
    v.wipe()
    assert files_under(vault_dir) == []
    with pytest.raises(UserError, match="no vault"):
        Vault.unlock(vault_dir, PASSPHRASE)


def test_backup_of_the_database_is_useless_after_wipe(vault_dir: Path, passfile: Path,
                                                      tmp_path: Path) -> None:
    with Vault.create(vault_dir, PASSPHRASE) as v:
        v.records.create(Person(alias=CANARY, legal_name=CANARY))
    # what survives on a backup disk or in SSD blocks: the database, not the key file
    backup = tmp_path / "backup"
    backup.mkdir(mode=0o700)
    shutil.copy2(vault_dir / "vault.db", backup / "vault.db")
    before = digest_dir(backup)

    res = run_cli("vault", "wipe", "--yes", vault=vault_dir, passfile=passfile)
    assert res.returncode == 0, res.stderr
    assert not (vault_dir / "vault.key").exists()

    # the passphrase alone does not open the remnant, and nothing is created next to it
    with pytest.raises(KeyFileError, match="key file"):
        Vault.unlock(backup, PASSPHRASE)
    res = run_cli("record", "list", vault=backup, passfile=passfile)
    assert_user_error(res, "key file")
    assert digest_dir(backup) == before
    assert_no_canary(backup)

    # the passphrase is not the database key
    conn = sqlcipher3.connect(str(backup / "vault.db"))
    try:
        conn.execute("PRAGMA key = " + "'" + PASSPHRASE.replace("'", "''") + "'")
        with pytest.raises(sqlcipher3.DatabaseError):
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()

    # nor does a new key file made with the same passphrase
    other = tmp_path / "other"
    Vault.create(other, PASSPHRASE).close()
    shutil.copy2(other / "vault.key", backup / "vault.key")
    before = digest_dir(backup)
    with pytest.raises(NotThisVault, match="another vault"):
        Vault.unlock(backup, PASSPHRASE)
    after = digest_dir(backup)
    after.pop("vault.lock", None)
    assert after == before


# --- (d) damaged or foreign key files and databases ----------------------------------------


@pytest.fixture
def closed_vault(vault_dir: Path) -> Path:
    with Vault.create(vault_dir, PASSPHRASE) as v:
        v.records.create(Person(alias="Rose", notes="still here"))
    return vault_dir


def assert_still_opens(root: Path) -> None:
    with Vault.unlock(root, PASSPHRASE) as v:
        assert [r.alias for r in v.records.page()] == ["Rose"]  # type: ignore[attr-defined]


def test_missing_key_file_with_database(closed_vault: Path, passfile: Path) -> None:
    key = closed_vault / "vault.key"
    saved = key.read_bytes()
    key.unlink()
    before = digest_dir(closed_vault)
    info = refused_untouched(closed_vault, passfile, KeyFileError, "key file")
    assert "key file" in str(info.value) and "missing" in str(info.value)
    # 'vault init' must not paper over it with a new, empty vault
    res = run_cli("vault", "init", vault=closed_vault, passfile=passfile)
    assert_user_error(res, "already exists")
    assert digest_dir(closed_vault) == before
    key.write_bytes(saved)
    assert_still_opens(closed_vault)


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _tampered_kdf(data: bytes) -> bytes:
    doc = json.loads(data)
    doc["slots"][0]["kdf"]["memory_kib"] = 1 << 40  # would be a memory bomb
    return json.dumps(doc).encode()


def _no_passphrase_slot(data: bytes) -> bytes:
    doc = json.loads(data)
    doc["slots"] = [{"kind": "recovery", "recipient": "x", "wrapped_key": "AAAA"}]
    return json.dumps(doc).encode()


def _newer(data: bytes) -> bytes:
    doc = json.loads(data)
    doc["version"] = 99
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda d: os.urandom(400), "key file"),
        (lambda d: b"", "key file"),
        (_truncated, "damaged"),
        (lambda d: b'{"name": "hrd-field", "version": "1.0.0", "private": true}',
         "not an hrd field key file"),
        (lambda d: b"[1, 2, 3]", "key file"),
        (lambda d: b" " * (1 << 17), "key file"),
        (_tampered_kdf, "damaged"),
        (_no_passphrase_slot, "damaged"),  # the key file's checksum catches any edit first
        (_newer, "newer version"),
    ],
    ids=["garbage", "empty", "truncated-json", "foreign-json", "json-array", "oversized",
         "tampered-kdf", "no-passphrase-slot", "newer-format"],
)
def test_corrupt_key_file_clear_error_nothing_changed(closed_vault: Path, damage,
                                                      words: str) -> None:
    key = closed_vault / "vault.key"
    saved = key.read_bytes()
    key.write_bytes(damage(saved))
    before = digest_dir(closed_vault)
    with pytest.raises(KeyFileError) as info:
        Vault.unlock(closed_vault, PASSPHRASE)
    assert words in str(info.value).lower(), str(info.value)
    assert not isinstance(info.value, WrongPassphrase)
    assert digest_dir(closed_vault) == before  # the failure counter included: not a guess
    key.write_bytes(saved)
    assert throttle.failures(closed_vault / "unlock-failures", vault_id(closed_vault)) == 0
    key.write_bytes(saved)
    assert_still_opens(closed_vault)


def test_corrupt_key_file_on_the_command_line(closed_vault: Path, passfile: Path) -> None:
    (closed_vault / "vault.key").write_bytes(os.urandom(300))
    before = digest_dir(closed_vault)
    res = run_cli("record", "list", vault=closed_vault, passfile=passfile)
    assert_user_error(res, "key file")
    assert digest_dir(closed_vault) == before


def test_key_file_of_another_vault(closed_vault: Path, tmp_path: Path, passfile: Path) -> None:
    other = tmp_path / "other"
    Vault.create(other, PASSPHRASE).close()
    saved = (closed_vault / "vault.key").read_bytes()
    shutil.copy2(other / "vault.key", closed_vault / "vault.key")
    before = digest_dir(closed_vault)
    with pytest.raises(NotThisVault) as info:
        Vault.unlock(closed_vault, PASSPHRASE)
    assert "belongs to another vault" in str(info.value)
    res = run_cli("record", "list", vault=closed_vault, passfile=passfile)
    assert_user_error(res, "belongs to another vault")
    assert digest_dir(closed_vault) == before
    (closed_vault / "vault.key").write_bytes(saved)
    assert_still_opens(closed_vault)


def test_database_replaced_with_random_bytes(closed_vault: Path, passfile: Path) -> None:
    db = closed_vault / "vault.db"
    size = db.stat().st_size
    db.write_bytes(os.urandom(size))
    info = refused_untouched(closed_vault, passfile, UserError, "damaged")
    assert "damaged" in str(info.value) or "another vault" in str(info.value)
    assert db.stat().st_size == size


def test_database_missing_is_not_recreated(closed_vault: Path, passfile: Path) -> None:
    (closed_vault / "vault.db").unlink()
    info = refused_untouched(closed_vault, passfile, VaultCorrupt, "missing")
    assert "missing" in str(info.value)
    assert not (closed_vault / "vault.db").exists()


# --- (e) one process at a time ------------------------------------------------------------


def test_second_process_is_refused_while_open(closed_vault: Path, passfile: Path) -> None:
    v = Vault.unlock(closed_vault, PASSPHRASE)
    try:
        res = run_cli("record", "list", vault=closed_vault, passfile=passfile)
        assert_user_error(res, "in use")
        res = run_cli("record", "add", "--type", "person", "--json", "-", vault=closed_vault,
                      passfile=passfile, input='{"alias": "second writer"}')
        assert_user_error(res, "in use")
        with pytest.raises(VaultInUse):
            Vault.unlock(closed_vault, PASSPHRASE)
        assert v.records.count() == 1
    finally:
        v.close()
    res = run_cli("record", "list", vault=closed_vault, passfile=passfile)
    assert res.returncode == 0, res.stderr
    assert "Rose" in res.stdout


# --- (f) the audit log ----------------------------------------------------------------------


def test_audit_log_records_who_did_what_but_not_what_it_says(vault_dir: Path) -> None:
    with Vault.create(vault_dir, PASSPHRASE, actor="officer-ana") as v:
        rid = v.records.create(Person(alias=CANARY, notes=CANARY)).id
        person = v.records.get(rid)
        person.notes = f"changed {CANARY}"
        v.records.update(person)
        ref = v.add_attachment(rid, io.BytesIO(CANARY.encode() * 10), filename=CANARY)
        v.records.delete(rid)
        v.records.search(CANARY)

        entries = list(reversed(v.audit_log()))
        actions = [(e.action, e.object_id) for e in entries]
        assert ("record.create", rid) in actions
        assert ("record.update", rid) in actions
        assert ("attachment.add", ref.sha256) in actions
        assert ("record.delete", rid) in actions
        # the attachment is linked to the record by the update that follows it
        i = actions.index(("attachment.add", ref.sha256))
        assert ("record.update", rid) in actions[i + 1:]
        assert actions.index(("record.create", rid)) < actions.index(("record.delete", rid))
        for e in entries:
            assert e.actor == "officer-ana"
            blob = json.dumps([e.at, e.actor, e.action, e.object_type, e.object_id])
            assert "CANARY" not in blob and "Zainab" not in blob, e
        assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
        assert audit.verify(v.db.conn) is None

        count = len(entries)
        with pytest.raises(DbError, match="append-only"):
            v.db.conn.execute("UPDATE audit SET actor = 'someone else' WHERE seq = 2")
        with pytest.raises(DbError, match="append-only"):
            v.db.conn.execute("DELETE FROM audit WHERE action = 'record.delete'")
        with pytest.raises(DbError):
            v.db.conn.execute("DELETE FROM audit")
        assert len(v.audit_log()) == count
        assert audit.verify(v.db.conn) is None
        assert v.check().ok


def test_audit_chain_detects_a_forged_entry(vault_dir: Path) -> None:
    with Vault.create(vault_dir, PASSPHRASE, actor="officer-ana") as v:
        v.records.create(Person(alias="Rose"))
        last = v.audit_log(1)[0]
        v.db.conn.execute(
            "INSERT INTO audit (seq, at, actor, action, object_type, object_id, prev_hash, "
            "hash) VALUES (?, ?, 'officer-ana', 'record.delete', 'person', 'x', ?, ?)",
            (last.seq + 1, last.at, last.hash, "0" * 64))
        assert audit.verify(v.db.conn) == last.seq + 1
        report = v.check()
        assert not report.ok
        assert any("audit" in p for p in report.problems)


def test_audit_survives_reopen_and_logs_unlocks(vault_dir: Path) -> None:
    Vault.create(vault_dir, PASSPHRASE, actor="officer-ana").close()
    for _ in range(2):
        Vault.unlock(vault_dir, PASSPHRASE).close()
    with Vault.unlock(vault_dir, PASSPHRASE) as v:
        actions = [e.action for e in reversed(v.audit_log())]
        assert actions[0] == "vault.create"
        assert actions.count("vault.unlock") == 3
        assert audit.verify(v.db.conn) is None


@pytest.mark.parametrize("tamper", ["delete", "directory", "plain zero", "copied"])
def test_a_tampered_counter_means_the_longest_delay(vault_dir: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    tamper: str) -> None:
    """Issue 11, item 9: deleting ``unlock-failures``, replacing it with a directory, writing
    a bare "0" or copying another vault's counter gives no free guesses."""
    import hrd_field.vault.vault as vault_module

    Vault.create(vault_dir, PASSPHRASE).close()
    counter = vault_dir / "unlock-failures"
    for _ in range(5):
        throttle.record_failure(counter, vault_id(vault_dir))
    other = tmp_path / "other"
    Vault.create(other, PASSPHRASE).close()
    if tamper == "delete":
        counter.unlink()
    elif tamper == "directory":
        counter.unlink()
        counter.mkdir()
    elif tamper == "plain zero":
        counter.write_text("0\n", "ascii")
    else:
        shutil.copyfile(other / "unlock-failures", counter)
    waited: list[float] = []
    monkeypatch.setattr(vault_module.time, "sleep", waited.append)  # record, do not wait
    with pytest.raises(WrongPassphrase):
        Vault.unlock(vault_dir, "a wrong guess after tampering")
    assert waited == [throttle.MAX_DELAY_S]
    Vault.unlock(vault_dir, PASSPHRASE).close()  # the right one opens it, from zero again
    assert throttle.failures(counter, vault_id(vault_dir)) == 0


def test_the_high_water_mark_needs_the_data_key_to_be_read(tmp_path: Path) -> None:
    """vault.hwm (the audit chain's head, written after every commit) is sealed with a key
    derived from the data key: a key derived from anything public (here: the zeros the
    data key's buffer holds once it is wiped) opens nothing."""
    from hrd_field.vault.folder import read_keyfile
    from hrd_field.vault.highwater import HighWater
    from hrd_field.vault.paths import VaultPaths

    root = tmp_path / "vault"
    with Vault.create(root, PASSPHRASE) as v:
        v.records.create(Person(alias="counted"))
    paths = VaultPaths(root)
    keyfile = read_keyfile(paths)
    data_key = keyfile.unwrap(PASSPHRASE)
    mark = HighWater(paths.high_water, data_key, keyfile.vault_id).read()
    assert mark is not None and mark.seq >= 2
    assert HighWater(paths.high_water, bytes(len(data_key)), keyfile.vault_id).read() is None
