"""Background sync from the window: a real intake service on loopback."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from hrd_field.core.i18n import _
from hrd_field.core.records import Consent, ConsentScope, Person
from hrd_field.gui.dates import format_stamp
from hrd_field.hq.store import HqStore
from hrd_field.sync.identity import device_public_key, enrol
from hrd_field.vault.vault import Vault

from .conftest import PASSPHRASE, unlock


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("language", ["en", "ar"])
def test_window_syncs_in_the_background_and_shows_it(qtbot, make_window, tmp_path: Path,
                                                     language: str):
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with HqStore.init(tmp_path / "hq", PASSPHRASE, "HQ") as hq:
        profile = hq.profile(intake_url=url).sign(hq.signing_key())
    with Vault.create(tmp_path / "vault", PASSPHRASE) as vault:
        enrol(vault, profile)
        device = device_public_key(vault).to_base64()
        consent = Consent(obtained=True, scope=ConsentScope(share_with_hq=True))
        vault.records.create(Person(alias="Ceiba-7", status="final", consent=consent))
    with HqStore.open(tmp_path / "hq", PASSPHRASE) as hq:
        hq.vault.hq.add_device("laptop", device)
    secret = tmp_path / "pw"
    secret.write_text(PASSPHRASE)
    server = subprocess.Popen(
        [sys.executable, "-m", "hrd_field", "hq", "serve", "--store", str(tmp_path / "hq"),
         "--passphrase-file", str(secret), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy())
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(url + "/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "intake did not start"
            time.sleep(0.1)

        window = make_window(tmp_path / "vault", language=language)
        unlock(qtbot, window)
        with qtbot.waitSignal(window.sync.finished, timeout=30_000):
            window.sync.sync_now()
        last_sync = _("Last sync {time}").split("{time}")[0].strip()
        qtbot.waitUntil(lambda: last_sync in window.sync_label.text(), timeout=10_000)
        window.workspace.show_section("outbox")
        qtbot.waitUntil(lambda: window.workspace.outbox.table.rowCount() == 1, timeout=10_000)
        shown = window.workspace.outbox.table.item(0, 3).text()
        assert shown != _("not yet")
        if language == "ar":  # times in the language's digits, as every date and number
            assert not re.search(r"[0-9]", window.sync_label.text() + shown), \
                (window.sync_label.text(), shown)
    finally:
        server.terminate()
        server.wait(timeout=30)
    window.close()
    window.session.close_now()
    with HqStore.open(tmp_path / "hq", PASSPHRASE) as hq:
        assert [r.title for r in hq.vault.records.rows()] == ["Ceiba-7"]
    with Vault.unlock(tmp_path / "vault", PASSPHRASE) as vault:
        [sent] = vault.exports.bundles()
    assert sent.received_at and shown == format_stamp(sent.received_at)  # as every time is


AFTER_UNLOCK = """
import sys
from pathlib import Path
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from hrd_field.gui.launch import build_window
from hrd_field.gui.settings import Settings

app = QApplication([])
window = build_window(Path(sys.argv[1]), Settings(), language="en")
window.show()
loop = QEventLoop()
window.sync.finished.connect(lambda _report: (print("CHECKED"), loop.quit()))
QTimer.singleShot(60_000, loop.quit)
window.lock_screen.passphrase.setText(sys.argv[2])
window.lock_screen.go.click()
loop.exec()
print("LOADED:" + ",".join(m for m in ("httpx", "hrd_field.sync.client",
                                       "hrd_field.sync.outbox", "hrd_field.sync.exporter")
                           if m in sys.modules))
"""


def test_the_sync_check_after_unlock_loads_no_network_code_on_an_unenrolled_laptop(
        tmp_path: Path):
    """Two seconds after unlock the window checks what waits for HQ, on the vault worker
    that also answers searches: on a laptop not enrolled, that check must stay a lookup, not
    load the HTTP client and the exporter (seconds on a slow laptop, a search queued behind
    them; bench/gui.py saw 0.6-8 s)."""
    with Vault.create(tmp_path / "vault", PASSPHRASE):
        pass
    env = {**os.environ, "HRD_FIELD_CONFIG_DIR": str(tmp_path / "config")}
    proc = subprocess.run([sys.executable, "-c", AFTER_UNLOCK, str(tmp_path / "vault"),
                           PASSPHRASE], capture_output=True, text=True, env=env, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "CHECKED" in lines, proc.stdout + proc.stderr
    loaded = [ln for ln in lines if ln.startswith("LOADED:")]
    assert loaded == ["LOADED:"], proc.stdout


def test_bundles_waiting_for_a_usb_stick_are_counted_in_the_language_digits(
        qtbot, make_window, tmp_path: Path):
    """A laptop HQ gave no intake address takes its bundles by hand: the status bar says how
    many wait, in Arabic with Arabic-Indic digits like every other number on screen."""
    from hrd_field.sync.outbox import fill_outbox

    with HqStore.init(tmp_path / "hq", PASSPHRASE, "HQ") as hq:
        profile = hq.profile().sign(hq.signing_key())
    with Vault.create(tmp_path / "vault", PASSPHRASE) as vault:
        enrol(vault, profile)
        consent = Consent(obtained=True, scope=ConsentScope(share_with_hq=True))
        vault.records.create(Person(alias="Ceiba-7", status="final", consent=consent))
        assert fill_outbox(vault) == 1
    window = make_window(tmp_path / "vault", language="ar")
    unlock(qtbot, window)
    with qtbot.waitSignal(window.sync.finished, timeout=30_000):
        window.sync.sync_now()
    qtbot.waitUntil(lambda: "١" in window.sync_label.text(), timeout=10_000)
    assert "1" not in window.sync_label.text()
