"""Vaults made by older releases open in this one, upgraded in place, nothing lost.

The "old" vault is built the way the first release built it (``helpers.old_vault``).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from helpers import PASSPHRASE
from helpers.old_vault import make_v1_vault, old_records
from helpers.refusals import refused_untouched

from hrd_field.core.errors import UserError
from hrd_field.core.records import Person, Record
from hrd_field.vault import audit, migrations
from hrd_field.vault.database import Database
from hrd_field.vault.keyslots import KeyFile
from hrd_field.vault.vault import Vault


def schema(conn: Any) -> list[tuple[str, str, str, str | None]]:
    return sorted(conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall())


def columns(conn: Any) -> dict[str, list[tuple[Any, ...]]]:
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return {t: conn.execute(f"PRAGMA table_xinfo('{t}')").fetchall() for t in sorted(tables)}


def open_raw(root: Path) -> Database:
    key = KeyFile.from_bytes((root / "vault.key").read_bytes()).unwrap(PASSPHRASE)
    return Database(root / "vault.db", key)


@pytest.fixture
def v1(tmp_path: Path) -> tuple[Path, list[Record]]:
    root = tmp_path / "old-vault"
    records = old_records()
    make_v1_vault(root, records)
    return root, records


def test_old_vault_is_upgraded_and_keeps_its_records(v1: tuple[Path, list[Record]]) -> None:
    root, records = v1
    assert migrations.LATEST > 1
    with Vault.unlock(root, PASSPHRASE) as v:
        assert migrations.current_version(v.db.conn) == migrations.LATEST
        assert v.actor == "old-officer"
        for r in records:
            assert v.records.get(r.id) == r
        assert v.records.count() == len(records)
        # search over rows indexed by the old release, long and short terms, any script
        assert [h.id for h in v.records.search("hearing")] == [records[3].id]
        assert [h.id for h in v.records.search("حقوق")] == [records[1].id]
        assert [h.id for h in v.records.search("人权")] == [records[2].id]
        # filters over the old summary columns and terms
        from hrd_field.vault.queries import Filters
        assert {r.id for r in v.records.rows(Filters(mission_id=records[0].id))} == {
            records[1].id, records[2].id}
        assert [r.id for r in v.records.rows(Filters(
            terms={"rights_defended": "womens_rights"}))] == [records[1].id]
        assert [r.region for r in v.records.rows(Filters(type="mission"))] == ["africa"]

        # the features of later steps work on the upgraded vault
        ref = v.add_attachment(records[1].id, io.BytesIO(b"scan of a letter"),
                               filename="letter.pdf")
        with v.open_attachment(ref.sha256) as chunks:
            assert b"".join(chunks) == b"scan of a letter"
        person = v.records.get(records[1].id)
        assert person.version == 2 and person.attachments == [ref]
        draft = v.records.get(records[2].id)
        draft.summary += " — brouillon"  # type: ignore[attr-defined]
        v.records.save_draft(draft)
        assert [d.id for d in v.records.drafts()] == [records[2].id]
        new = v.records.create(Person(alias="new after upgrade"))
        actions = [e.action for e in reversed(v.audit_log())]
        assert actions[:1] == ["vault.unlock"]
        assert "attachment.add" in actions and "record.create" in actions
        assert audit.verify(v.db.conn) is None
        assert v.check().ok

    with Vault.unlock(root, PASSPHRASE) as v:
        assert v.records.count() == len(records) + 1
        assert v.records.get(new.id).alias == "new after upgrade"  # type: ignore[attr-defined]
        assert v.check().ok


def test_upgraded_schema_equals_a_fresh_one(v1: tuple[Path, list[Record]],
                                            tmp_path: Path) -> None:
    root, _records = v1
    Vault.unlock(root, PASSPHRASE).close()
    fresh = tmp_path / "fresh"
    Vault.create(fresh, PASSPHRASE).close()
    old_db, new_db = open_raw(root), open_raw(fresh)
    try:
        assert schema(old_db.conn) == schema(new_db.conn)
        assert columns(old_db.conn) == columns(new_db.conn)
        indexes = [r[1] for r in schema(new_db.conn) if r[0] == "index"]
        triggers = [r[1] for r in schema(new_db.conn) if r[0] == "trigger"]
        assert "records_list_by_updated" in indexes and "blob_chunks_order" in indexes
        assert set(triggers) == {"audit_no_update", "audit_no_delete"}
        for db in (old_db, new_db):
            assert migrations.current_version(db.conn) == migrations.LATEST
            # bulk writes flush full-text terms 16 MiB at a time (issue 18: HQ imports)
            for table in ("records_fts", "records_words", "records_cjk"):
                assert ("hashsize", 16 << 20) in db.conn.execute(
                    f"SELECT k, v FROM {table}_config").fetchall()
    finally:
        old_db.close()
        new_db.close()


def test_migration_is_idempotent(v1: tuple[Path, list[Record]]) -> None:
    root, records = v1
    Vault.unlock(root, PASSPHRASE).close()
    db = open_raw(root)
    try:
        before = schema(db.conn)
        assert migrations.migrate(db.conn) == migrations.LATEST
        assert schema(db.conn) == before
    finally:
        db.close()
    with Vault.unlock(root, PASSPHRASE) as v:
        assert v.records.count() == len(records)


def test_a_failing_step_leaves_the_previous_version(v1: tuple[Path, list[Record]]) -> None:
    root, records = v1
    db = open_raw(root)
    try:
        # something in the way of the drafts step: that step fails whole, earlier ones stay
        step = next(i for i, sql in enumerate(migrations.STEPS, start=1)
                    if "CREATE TABLE drafts" in sql)
        assert step > 2
        db.conn.execute("CREATE TABLE drafts (x)")
        with pytest.raises(Exception, match="drafts"):
            migrations.migrate(db.conn)
        assert migrations.current_version(db.conn) == step - 1
        names = {r[1] for r in schema(db.conn)}
        assert {"blobs", "attachments", "audit"} <= names
        assert db.conn.execute("SELECT count(*) FROM records").fetchone()[0] == len(records)
        assert db.conn.execute("PRAGMA table_info(drafts)").fetchall()[0][1] == "x"
    finally:
        db.close()


def test_vault_from_a_newer_release_is_refused_and_left_alone(vault_dir: Path,
                                                              passfile: Path) -> None:
    with Vault.create(vault_dir, PASSPHRASE) as v:
        rid = v.records.create(Person(alias="Rose")).id
        v.db.conn.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    info = refused_untouched(vault_dir, passfile, UserError, "newer version")
    assert "newer version" in str(info.value)
    assert not (vault_dir / "vault.open").exists()
    db = open_raw(vault_dir)
    try:
        assert migrations.current_version(db.conn) == migrations.LATEST + 1
        assert db.conn.execute("SELECT count(*) FROM records WHERE id = ?",
                               (rid,)).fetchone()[0] == 1
    finally:
        db.close()
