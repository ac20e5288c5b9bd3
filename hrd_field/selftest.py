"""``hrd-field --self-test``: prove a build works end to end, in a temporary directory.

Creates a vault, writes and reads a record with an attachment, exports a bundle, imports it
into a temporary HQ store, checks the result, opens the window offscreen, and removes
everything. All it writes is encrypted, and only inside its own temporary directory.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .core.i18n import _
from .core.records import AttachmentRef, Consent, ConsentScope, Person

CANARY = "self-test record 7f3a"


def _step(text: str) -> None:
    print("  " + text, flush=True)


def run() -> int:
    from .hq.importer import import_bundle
    from .hq.store import HqStore
    from .sync.exporter import plan_export, write_export
    from .sync.identity import device_public_key, enrol
    from .vault.vault import Vault

    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="hrd-field-selftest-"))
    secret = os.urandom(16).hex()
    try:
        print(_("HRD Field self-test"), flush=True)
        with HqStore.init(tmp / "hq", secret, "self-test") as hq:
            profile = hq.profile().sign(hq.signing_key())
        with Vault.create(tmp / "vault", secret) as vault:
            _step(_("vault created"))
            enrol(vault, profile)
            person = Person(alias=CANARY, status="final", consent=Consent(
                obtained=True, scope=ConsentScope(share_with_hq=True,
                                                  share_identity_with_hq=True)))
            vault.records.create(person)
            data = os.urandom(300_000)
            ref: AttachmentRef = vault.add_attachment(person.id, io.BytesIO(data),
                                                      filename="scan.bin")
            with vault.open_attachment(ref.sha256) as chunks:
                assert b"".join(chunks) == data, "attachment read back differs"
            assert getattr(vault.records.get(person.id), "alias", None) == CANARY
            _step(_("record and attachment written and read back"))
            device = device_public_key(vault).to_base64()
            bundles = write_export(vault, plan_export(vault, since_last=False), tmp / "out")
            assert len(bundles) == 1, "expected one bundle"
            _step(_("bundle exported"))
        with HqStore.open(tmp / "hq", secret) as hq:
            hq.repo.add_device("self-test", device)
            outcome = import_bundle(hq, bundles[0].path)
            assert outcome.status == "imported", outcome.message
            got = hq.repo.get(person.id)
            assert getattr(got, "alias", None) == CANARY
            assert got.attachments[0].sha256 == ref.sha256
            assert hq.repo.attachment_size(ref.sha256) == len(data)
            assert hq.vault is not None and hq.vault.check().ok
            _step(_("bundle verified and imported at HQ"))
        if getattr(sys, "frozen", False):  # the desktop build leaves PostgreSQL out
            _no_postgres(tmp, secret)
            _step(_("--database says how to run an HQ on PostgreSQL"))
        from .core.i18n import UN_LANGUAGES, catalog

        for lang in UN_LANGUAGES:
            assert lang == "en" or catalog(lang).gettext("Unlock") != "Unlock", lang
        _step(_("translations for the six languages load"))
        if "--no-gui" not in sys.argv:
            _gui_check(tmp / "vault")
            _step(_("window opened offscreen"))
        for path in tmp.rglob("*"):
            if path.is_file() and CANARY.encode() in path.read_bytes():
                raise AssertionError(f"plaintext found in {path.name}")
        print(_("Self-test passed in {s:.1f} s.").format(s=time.monotonic() - started))
        return 0
    except Exception as exc:
        print(_("Self-test FAILED: {why}").format(why=f"{type(exc).__name__}: {exc}"),
              file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _no_postgres(tmp: Path, secret: str) -> None:
    from .hq.backends import NoPostgres
    from .hq.store import HqStore

    try:
        HqStore.init(tmp / "hq-pg", secret, "self-test", database="postgresql://localhost/x")
    except NoPostgres:
        return
    raise AssertionError("a build without psycopg reached PostgreSQL")


def _gui_check(vault_dir: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
    from PySide6.QtWidgets import QApplication

    from .gui.launch import build_window
    from .gui.settings import Settings

    window = build_window(vault_dir, Settings(), language="en")
    window.show()
    app = QApplication.instance()
    assert app is not None
    app.processEvents()
    assert window.stack.currentWidget() is window.lock_screen
    window.close()
    window.session.shutdown()
    from PySide6.QtCore import QCollator, QLocale

    # ICU's collation data (the desktop build keeps only the UN languages' locales): in
    # pinyin order 阿 (a) comes before 波 (bo); without zh's data, code point order reverses it.
    collator = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    assert collator.compare("阿", "波") < 0, "Chinese collation data is missing"
