"""Background sync from the window: a real intake service on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

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


def test_window_syncs_in_the_background_and_shows_it(qtbot, make_window, tmp_path: Path):
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

        window = make_window(tmp_path / "vault")
        unlock(qtbot, window)
        with qtbot.waitSignal(window.sync.finished, timeout=30_000):
            window.sync.sync_now()
        qtbot.waitUntil(lambda: "Last sync" in window.sync_label.text(), timeout=10_000)
        window.workspace.show_section("outbox")
        qtbot.waitUntil(lambda: window.workspace.outbox.table.rowCount() == 1, timeout=10_000)
        shown = window.workspace.outbox.table.item(0, 3).text()
        assert shown != "not yet"
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
