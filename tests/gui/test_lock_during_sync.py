"""Locking never waits behind the network: an HQ that accepts and never answers.

The vault must be closed (key gone, file lock released) within a second of Ctrl+L,
auto-lock or panic, whatever an upload is doing.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from hrd_field.core.records import Consent, ConsentScope, Person
from hrd_field.hq.store import HqStore
from hrd_field.sync.identity import device_public_key, enrol
from hrd_field.vault.vault import Vault

from .conftest import PASSPHRASE, unlock

CLOSED_WITHIN_MS = 1000


class BlackHole:
    """A TCP server that accepts connections, reads what comes, and never answers."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = int(self.sock.getsockname()[1])
        self.accepted = threading.Event()
        self._conns: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _addr = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self._conns.append(conn)
            self.accepted.set()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for conn in self._conns:
            conn.close()
        self.sock.close()


@pytest.fixture
def black_hole() -> Iterator[BlackHole]:
    hole = BlackHole()
    yield hole
    hole.close()


def _enrolled_vault(tmp_path: Path, url: str) -> Path:
    with HqStore.init(tmp_path / "hq", PASSPHRASE, "HQ") as hq:
        profile = hq.profile(intake_url=url).sign(hq.signing_key())
    root = tmp_path / "vault"
    with Vault.create(root, PASSPHRASE) as vault:
        enrol(vault, profile)
        device_public_key(vault)
        consent = Consent(obtained=True, scope=ConsentScope(share_with_hq=True))
        vault.records.create(Person(alias="Ceiba-7", status="final", consent=consent))
    return root


def _uploading(qtbot, window, hole: BlackHole) -> None:
    unlock(qtbot, window)
    window.sync.sync_now()
    qtbot.waitUntil(hole.accepted.is_set, timeout=20_000)


def _assert_closed(qtbot, window, root: Path) -> None:
    qtbot.waitUntil(lambda: not window.session.is_open, timeout=CLOSED_WITHIN_MS)
    # The file lock is released too: another process could open the vault now.
    with Vault.unlock(root, PASSPHRASE):
        pass


def test_ctrl_l_closes_the_vault_while_an_upload_hangs(qtbot, make_window, tmp_path: Path,
                                                       black_hole: BlackHole):
    root = _enrolled_vault(tmp_path, f"http://127.0.0.1:{black_hole.port}")
    window = make_window(root)
    _uploading(qtbot, window, black_hole)
    qtbot.keyClick(window.workspace.nav, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    _assert_closed(qtbot, window, root)
    assert window.stack.currentWidget() is window.lock_screen


def test_auto_lock_closes_the_vault_while_an_upload_hangs(qtbot, make_window, tmp_path: Path,
                                                          black_hole: BlackHole):
    root = _enrolled_vault(tmp_path, f"http://127.0.0.1:{black_hole.port}")
    window = make_window(root)
    _uploading(qtbot, window, black_hole)
    window.idle.idle.emit()  # what the idle timer does after the chosen minutes
    _assert_closed(qtbot, window, root)


def test_panic_erases_while_an_upload_hangs(qtbot, make_window, tmp_path: Path,
                                            black_hole: BlackHole):
    root = _enrolled_vault(tmp_path, f"http://127.0.0.1:{black_hole.port}")
    window = make_window(root)
    _uploading(qtbot, window, black_hole)
    window.erase_now()
    qtbot.waitUntil(lambda: not window.session.is_open, timeout=CLOSED_WITHIN_MS)
    assert not (root / "vault.key").exists()
