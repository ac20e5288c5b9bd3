"""After an unclean shutdown the vault opens at once and is checked beside the work
(the app); damage found there is reported, and the vault is refused or read-only."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlcipher3
from helpers import PASSPHRASE

from hrd_field.core.records import Person
from hrd_field.vault.vault import CheckInterrupted, Vault

PAGE = 4096


def _vault(root: Path, n: int = 250) -> None:
    with Vault.create(root, PASSPHRASE) as v:
        v.records.create_many([Person(alias=f"defender {i}", notes=f"{i} " + "n" * 2500)
                               for i in range(n)])


def _crash_marker(root: Path) -> None:
    (root / "vault.open").touch()  # what a killed process leaves behind


def _flip_a_middle_page(root: Path) -> None:
    db = root / "vault.db"
    data = bytearray(db.read_bytes())
    data[(len(data) // PAGE // 2) * PAGE + PAGE // 2] ^= 0x5A
    db.write_bytes(bytes(data))


def test_a_sound_vault_opens_at_once_and_its_check_passes_beside_the_work(
        tmp_path: Path) -> None:
    root = tmp_path / "vault"
    _vault(root)
    _crash_marker(root)
    with Vault.unlock(root, PASSPHRASE, defer_check=True) as v:
        assert v.unclean_shutdown and v.check_pending
        done = threading.Event()
        reports = []

        def check() -> None:
            reports.append(v.check_snapshot())
            done.set()

        threading.Thread(target=check).start()
        # the vault is in use meanwhile: reads and writes on its own connection
        v.records.create(Person(alias="written while the check runs"))
        assert v.records.count() == 251
        assert done.wait(60)
        assert reports[0].ok, reports[0].problems
        assert not v.check_pending


def test_damage_found_beside_the_work_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    _vault(root)
    _flip_a_middle_page(root)
    _crash_marker(root)
    with Vault.unlock(root, PASSPHRASE, defer_check=True) as v:
        report = v.check_snapshot()
        assert not report.ok
        assert any("page" in p for p in report.problems), report.problems
        assert v.check_pending
    with pytest.raises(Exception, match="integrity"):  # without deferring: refused as before
        Vault.unlock(root, PASSPHRASE)


def _check_running(v: Vault) -> tuple[threading.Thread, list[object]]:
    """The after-crash check started on another thread, as the window's worker runs it;
    returns once it has its connection (or has ended). The outcome: a report or
    ``CheckInterrupted``."""
    outcome: list[object] = []

    def check() -> None:
        try:
            outcome.append(v.check_snapshot())
        except CheckInterrupted as exc:
            outcome.append(exc)

    worker = threading.Thread(target=check)
    worker.start()
    while v._snapshot_db is None and worker.is_alive():
        pass
    return worker, outcome


def test_locking_stops_a_running_check(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    _vault(root, 1500)
    _crash_marker(root)
    v = Vault.unlock(root, PASSPHRASE, defer_check=True)
    worker, outcome = _check_running(v)
    v.close()
    worker.join(30)
    assert not worker.is_alive()
    # either it finished first (a verdict) or it was stopped (no verdict): never a false alarm
    assert isinstance(outcome[0], CheckInterrupted) or outcome[0].ok  # type: ignore[attr-defined]


class _LateInterrupt(sqlcipher3.Connection):  # type: ignore[misc]
    """A real connection whose ``interrupt`` arrives only once the check has closed it: the
    moment a lock loses the race with the check's own end (seen once in a loaded run)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.interrupting = threading.Event()
        self.closed = threading.Event()

    def execute(self, sql: str, *args: object) -> object:
        if sql == "PRAGMA query_only = ON":  # the check's first statement
            self.interrupting.wait(10)  # lets the lock pick this connection up first
        return super().execute(sql, *args)

    def close(self) -> None:
        super().close()
        self.closed.set()

    def interrupt(self) -> None:
        self.interrupting.set()
        self.closed.wait(10)
        super().interrupt()


def test_a_check_ending_while_the_vault_locks_does_not_stop_the_lock(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "vault"
    _vault(root, 20)
    _crash_marker(root)
    v = Vault.unlock(root, PASSPHRASE, defer_check=True)
    connect = sqlcipher3.connect
    monkeypatch.setattr(sqlcipher3, "connect",
                        lambda *a, **k: connect(*a, **k, factory=_LateInterrupt))
    worker, outcome = _check_running(v)
    monkeypatch.undo()
    v.close()  # the key leaves memory and the vault is locked, whatever the check did
    worker.join(30)
    assert not worker.is_alive() and len(outcome) == 1
    with Vault.unlock(root, PASSPHRASE) as again:  # the lock file was released
        assert again.records.count() == 20
