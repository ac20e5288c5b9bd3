"""AttachmentPanel and ImageViewer on a real vault: add, cancel, view, remove a photo's
location — and never a byte of an attachment on disk outside the encrypted vault."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import PASSPHRASE
from PIL import Image
from PIL.TiffImagePlugin import IFDRational
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QPushButton

from hrd_field.core.media import gps_location, has_metadata
from hrd_field.core.records import AttachmentRef
from hrd_field.gui import attachment_queue
from hrd_field.gui import attachments as attachments_module
from hrd_field.gui.attachments import AttachmentPanel, ImageViewer
from hrd_field.gui.session import VaultSession
from hrd_field.gui.tasks import TaskRunner

MARKER = b"HRD-LEAK-CANARY-5c0e8a1f9d"
WAIT = 30_000
SYSTEM_TMP = Path(tempfile.gettempdir())  # before any test points TMPDIR elsewhere
VAULT_FILES = {"vault.key", "vault.db", "vault.db-wal", "vault.db-shm", "vault.db-journal",
               "vault.hwm", "vault.open", "unlock-failures",
               "files"}  # attachments, each sealed under its own key (vault/attachments.py)


class Panel(AttachmentPanel):
    """The real panel with its dialogs replaced by lists."""

    def __init__(self, session: VaultSession, paths: list[str] | None = None):
        super().__init__(session)
        self.paths = paths or []
        self.errors: list[str] = []
        self.infos: list[str] = []
        self.changes = 0
        self.changed.connect(self._count)

    def _count(self) -> None:
        self.changes += 1

    def _choose_files(self) -> list[str]:
        return list(self.paths)

    def _show_error(self, message: str) -> None:
        self.errors.append(message)

    def _show_info(self, message: str) -> None:
        self.infos.append(message)


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every temporary file (Python, Qt, SQLite) would land here: it must stay empty."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    for var in ("TMPDIR", "TEMP", "TMP", "SQLITE_TMPDIR"):
        monkeypatch.setenv(var, str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    return tmp


@pytest.fixture
def vault_session(qtbot, tmp_path: Path, private_tmp: Path) -> Iterator[VaultSession]:
    runner = TaskRunner()
    session = VaultSession(runner)
    done: list[object] = []
    errors: list[str] = []
    session.create(tmp_path / "v", PASSPHRASE, done.append, errors.append)
    qtbot.waitUntil(lambda: bool(done or errors), timeout=WAIT)
    assert not errors, errors
    yield session
    session.close_now()
    runner.shutdown()


@pytest.fixture
def make_panel(qtbot, vault_session: VaultSession):
    def make(paths: list[Path] | None = None, cls: type[Panel] = Panel) -> Panel:
        panel = cls(vault_session, [str(p) for p in paths or []])
        qtbot.addWidget(panel)
        panel.show()
        return panel

    return make


def read_back(qtbot, session: VaultSession, sha256: str) -> bytes:
    got: list[bytes] = []
    errors: list[str] = []
    session.read_attachment(sha256, 1 << 30, got.append, errors.append)
    qtbot.waitUntil(lambda: bool(got or errors), timeout=WAIT)
    assert not errors, errors
    return got[0]


def vault_size_of(qtbot, session: VaultSession, sha256: str) -> int | None:
    got: list[int | None] = []
    session.attachment_size(sha256, got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=WAIT)
    return got[0]


def add(qtbot, panel: Panel, *paths: Path) -> None:
    panel.paths = [str(p) for p in paths]
    panel.add_button.click()
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT)


def photo_with_gps(size: tuple[int, int] = (640, 480)) -> bytes:
    exif = Image.Exif()
    exif[0x010E] = MARKER.decode()  # ImageDescription
    exif[0x9286] = b"ASCII\x00\x00\x00" + MARKER  # UserComment
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (IFDRational(12, 1), IFDRational(30, 1), IFDRational(0, 1))
    gps[3] = "W"
    gps[4] = (IFDRational(77, 1), IFDRational(2, 1), IFDRational(6, 1))
    im = Image.effect_noise(size, 60).convert("RGB")
    out = io.BytesIO()
    im.save(out, "JPEG", exif=exif.tobytes(), comment=MARKER, quality=90)
    return out.getvalue()


def all_files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def files_containing(paths: set[Path], needles: list[bytes]) -> list[str]:
    found = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        found += [f"{path}: {needle[:16]!r}" for needle in needles if needle in data]
    return found


# -- add -------------------------------------------------------------------------------------
def test_add_shows_file_with_sha_size_and_emits_changed(qtbot, tmp_path, make_panel,
                                                       vault_session):
    content = os.urandom(3 * 1024 * 1024 + 5)
    path = tmp_path / "notes from the meeting.txt"
    path.write_bytes(content)
    panel = make_panel()

    with qtbot.waitSignal(panel.changed, timeout=WAIT):
        panel.paths = [str(path)]
        panel.add_button.click()
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT)

    [ref] = panel.refs()
    assert ref.sha256 == hashlib.sha256(content).hexdigest()
    assert ref.size == len(content)
    assert ref.filename == path.name
    assert ref.media_type == "text/plain"
    assert ref.may_identify is True
    assert panel.changes == 1 and not panel.errors
    row = panel.list_widget.item(0).text()
    assert path.name in row and QLocale().formattedDataSize(len(content)) in row
    assert "text/plain" in row and "may identify people" in row
    assert read_back(qtbot, vault_session, ref.sha256) == content

    # The same content again is not listed twice.
    copy = tmp_path / "copy.txt"
    copy.write_bytes(content)
    add(qtbot, panel, copy)
    assert len(panel.refs()) == 1 and panel.changes == 1
    assert "already attached" in panel.status.text()


def test_add_several_files_in_one_go(qtbot, tmp_path, make_panel):
    paths = []
    for i in range(3):
        p = tmp_path / f"f{i}.bin"
        p.write_bytes(os.urandom(1000 + i))
        paths.append(p)
    panel = make_panel()
    add(qtbot, panel, *paths)
    assert [r.filename for r in panel.refs()] == ["f0.bin", "f1.bin", "f2.bin"]
    assert [r.media_type for r in panel.refs()] == ["application/octet-stream"] * 3
    assert panel.changes == 3


class CancellingPanel(Panel):
    """Presses the progress dialog's Cancel button as soon as progress is reported."""

    progress_seen = 0

    def _on_progress(self, job, done, total):
        super()._on_progress(job, done, total)
        self.progress_seen += 1
        dialog = self.progress_dialog
        if dialog is not None and self.progress_seen == 1:
            button = dialog.findChild(QPushButton)
            assert button is not None
            button.click()


def test_cancel_during_large_add_adds_nothing(qtbot, tmp_path, make_panel, vault_session):
    path = tmp_path / "recording.ogg"
    block = os.urandom(1 << 20)
    digest = hashlib.sha256()
    with path.open("wb") as fh:
        for i in range(64):
            chunk = block[:-1] + bytes([i])
            digest.update(chunk)
            fh.write(chunk)
    panel = make_panel(cls=CancellingPanel)

    add(qtbot, panel, path)

    assert panel.progress_seen >= 1
    assert panel.refs() == []
    assert panel.changes == 0
    assert panel.errors == []  # a cancellation is not an error
    assert "Cancelled" in panel.status.text()
    assert vault_size_of(qtbot, vault_session, digest.hexdigest()) is None
    # The panel still works afterwards.
    small = tmp_path / "small.txt"
    small.write_bytes(b"still works")
    add(qtbot, panel, small)
    assert [r.filename for r in panel.refs()] == ["small.txt"]


def test_unreadable_paths_give_an_error_and_add_nothing(qtbot, tmp_path, make_panel):
    missing = tmp_path / "gone.jpg"
    folder = tmp_path / "a folder"
    folder.mkdir()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # would block a reader forever
    panel = make_panel()

    add(qtbot, panel, missing, folder, fifo)

    assert panel.refs() == [] and panel.changes == 0
    assert len(panel.errors) == 3
    assert "gone.jpg" in panel.errors[0] and "Nothing was added" in panel.errors[0]
    assert "a folder" in panel.errors[1]
    assert "pipe" in panel.errors[2]


def test_file_vanishing_before_the_worker_opens_it(qtbot, tmp_path, make_panel, monkeypatch):
    # The GUI-side check passed, then the file disappeared: the worker's message is clear.
    monkeypatch.setattr(attachment_queue, "_readable_problem", lambda _path: None)
    panel = make_panel()
    add(qtbot, panel, tmp_path / "vanished.pdf")
    assert panel.refs() == [] and panel.changes == 0
    assert len(panel.errors) == 1
    assert "vanished.pdf" in panel.errors[0] and "cannot be read" in panel.errors[0]


# -- list editing ----------------------------------------------------------------------------
def test_identify_remove_and_read_only(qtbot, tmp_path, make_panel):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_bytes(b"aaa")
    b.write_bytes(b"bbb")
    panel = make_panel()
    add(qtbot, panel, a, b)
    changes = panel.changes

    panel.list_widget.setCurrentRow(0)
    assert panel.identify_box.isChecked()
    panel.identify_box.click()
    assert panel.refs()[0].may_identify is False
    assert panel.changes == changes + 1
    assert "may identify people" not in panel.list_widget.item(0).text()

    # refs() hands out copies.
    panel.refs()[0].description = "changed outside"
    assert panel.refs()[0].description == ""

    panel.list_widget.setCurrentRow(1)
    assert panel.identify_box.isChecked()
    panel.remove_button.click()
    assert [r.filename for r in panel.refs()] == ["a.txt"]
    assert panel.changes == changes + 2

    panel.set_read_only(True)
    assert not panel.add_button.isEnabled()
    assert not panel.remove_button.isEnabled()
    assert not panel.identify_box.isEnabled()
    assert panel.view_button.isEnabled()

    panel.set_refs([])
    assert panel.refs() == [] and panel.list_widget.count() == 0
    assert panel.changes == changes + 2  # set_refs is not an edit


def test_accessible_names(make_panel):
    panel = make_panel()
    for widget in (panel.list_widget, panel.add_button, panel.view_button,
                   panel.remove_button, panel.identify_box):
        assert widget.accessibleName()


# -- view --------------------------------------------------------------------------------
def test_view_non_image_explains_the_cli_and_writes_nothing(qtbot, tmp_path, make_panel,
                                                           private_tmp):
    path = tmp_path / "statement.pdf"
    path.write_bytes(b"%PDF-1.7 " + MARKER)
    panel = make_panel()
    add(qtbot, panel, path)
    panel.list_widget.setCurrentRow(0)
    panel.view_button.click()
    assert panel.viewer is None
    [info] = panel.infos
    assert "hrd-field attachment get" in info and panel.refs()[0].sha256 in info
    assert list(private_tmp.iterdir()) == []


def test_view_image_without_location(qtbot, tmp_path, make_panel):
    path = tmp_path / "plain.png"
    Image.new("RGB", (30, 20), "green").save(path)
    panel = make_panel()
    add(qtbot, panel, path)
    panel.list_widget.setCurrentRow(0)
    panel.view_button.click()
    qtbot.waitUntil(lambda: panel.viewer is not None and panel.viewer.isVisible(), timeout=WAIT)
    viewer = panel.viewer
    assert isinstance(viewer, ImageViewer)
    assert not viewer.warning.isVisible()
    assert (viewer.image_size.width(), viewer.image_size.height()) == (30, 20)
    assert not panel.with_location
    viewer.close()
    qtbot.waitUntil(lambda: panel.viewer is None, timeout=WAIT)


def test_lock_closes_the_viewer(qtbot, tmp_path, make_panel, vault_session):
    path = tmp_path / "plain.png"
    Image.new("RGB", (30, 20), "green").save(path)
    panel = make_panel()
    add(qtbot, panel, path)
    panel.list_widget.setCurrentRow(0)
    panel.list_widget.itemActivated.emit(panel.list_widget.item(0))  # double-click / Enter
    qtbot.waitUntil(lambda: panel.viewer is not None, timeout=WAIT)
    with qtbot.waitSignal(vault_session.locked, timeout=WAIT):
        vault_session.lock()
    assert panel.viewer is None


def test_photo_location_is_found_shown_and_removed_without_plaintext_on_disk(
        qtbot, tmp_path, make_panel, vault_session, private_tmp):
    photo = photo_with_gps()
    expected = (12.5, -(77 + 2 / 60 + 6 / 3600))
    assert gps_location(photo) == pytest.approx(expected)
    outside = tmp_path / "outside"
    outside.mkdir()
    source = outside / "checkpoint.jpg"
    source.write_bytes(photo)
    # A run of the compressed pixels, too: not only the metadata must stay inside.
    pixels = photo[len(photo) // 2: len(photo) // 2 + 48]
    assert photo.count(pixels) == 1
    assert len(files_containing({source}, [MARKER, pixels])) == 2  # the scan does see them
    system_tmp = SYSTEM_TMP
    system_before = set(system_tmp.iterdir()) if system_tmp.is_dir() else set()
    before = all_files(tmp_path)

    panel = make_panel()
    add(qtbot, panel, source)
    [ref] = panel.refs()
    assert ref.sha256 == hashlib.sha256(photo).hexdigest()
    assert ref.media_type == "image/jpeg"
    # Found at once from the start of the file, and marked in the list.
    qtbot.waitUntil(lambda: ref.sha256 in panel.with_location, timeout=WAIT)
    assert "location" in panel.list_widget.item(0).text()

    # The record's own details must survive the replacement.
    edited = replace(ref, description="Photo of the checkpoint", may_identify=False)
    panel.set_refs([edited])
    changes = panel.changes

    panel.list_widget.setCurrentRow(0)
    panel.view_button.click()
    qtbot.waitUntil(lambda: panel.viewer is not None and panel.viewer.isVisible(), timeout=WAIT)
    viewer = panel.viewer
    assert viewer.location == pytest.approx(expected)
    assert viewer.warning.isVisible()
    text = viewer.warning_text.text()
    assert "contains the location where it was taken" in text
    assert QLocale().toString(12.5, "f", 6) in text
    assert "Anyone who gets the file can see it" in text
    assert (viewer.image_size.width(), viewer.image_size.height()) == (640, 480)
    assert viewer.remove_location_button.isEnabled()

    with qtbot.waitSignal(panel.changed, timeout=WAIT):
        viewer.remove_location_button.click()
    [clean_ref] = panel.refs()
    assert clean_ref.sha256 != ref.sha256
    assert clean_ref.filename == "checkpoint.jpg"
    assert clean_ref.description == "Photo of the checkpoint"
    assert clean_ref.may_identify is False
    assert clean_ref.media_type == "image/jpeg"
    assert panel.changes == changes + 1
    assert viewer.location is None
    assert not viewer.remove_location_button.isVisible()
    assert "removed" in viewer.warning_text.text()
    assert clean_ref.sha256 not in panel.with_location
    assert "location" not in panel.list_widget.item(0).text()

    stored = read_back(qtbot, vault_session, clean_ref.sha256)
    assert clean_ref.size == len(stored)
    assert gps_location(stored) is None
    assert not has_metadata(stored)
    assert MARKER not in stored
    with Image.open(io.BytesIO(stored)) as im:
        assert im.size == (640, 480)
    viewer.close()
    qtbot.waitUntil(lambda: panel.viewer is None, timeout=WAIT)

    # Nothing was written outside the vault; the vault holds only its own files,
    # and none of them shows the photo's bytes.
    assert list(private_tmp.iterdir()) == []
    vault_names = {p.name for p in (tmp_path / "v").iterdir()}
    assert vault_names <= VAULT_FILES, vault_names - VAULT_FILES
    after = all_files(tmp_path)
    vault = tmp_path / "v"
    new_outside_vault = {p for p in after - before
                         if p.parent != vault and p.parent != vault / "files"}
    assert new_outside_vault == set()
    assert files_containing(after - {source}, [MARKER, pixels]) == []
    system_new = (set(system_tmp.iterdir()) if system_tmp.is_dir() else set()) - system_before
    new_system_files = {p for d in system_new
                        for p in ([d] if d.is_file() else d.rglob("*")) if p.is_file()}
    assert files_containing(new_system_files, [MARKER, pixels]) == []


def test_large_image_is_not_read_for_viewing(qtbot, make_panel, monkeypatch):
    monkeypatch.setattr(attachments_module, "IMAGE_VIEW_LIMIT", 10)
    panel = make_panel()
    panel.set_refs([AttachmentRef(sha256="a" * 64, filename="huge.tif",
                                  media_type="image/tiff", size=11)])
    panel.list_widget.setCurrentRow(0)
    panel.view_button.click()
    assert panel.viewer is None and not panel.busy
    [info] = panel.infos
    assert "too large" in info and "hrd-field attachment get" in info


def test_photo_still_fits_after_remove_location(qtbot, tmp_path, make_panel):
    source = tmp_path / "wide.jpg"
    source.write_bytes(photo_with_gps((1600, 2400)))  # tall: its height decides the fit
    panel = make_panel()
    add(qtbot, panel, source)
    panel.list_widget.setCurrentRow(0)
    panel.view_button.click()
    qtbot.waitUntil(lambda: panel.viewer is not None and panel.viewer.isVisible(), timeout=WAIT)
    viewer = panel.viewer

    def fits() -> bool:
        """Scaled to the space it has now: inside it, and touching two of its sides."""
        shown = viewer.image_label.pixmap().size()
        area = viewer.scroll_area.viewport().size()
        return shown.width() <= area.width() and shown.height() <= area.height() and (
            area.width() - shown.width() <= 1 or area.height() - shown.height() <= 1)

    viewer.resize(520, 640)  # narrow: the longer "removed" text takes more lines
    qtbot.waitUntil(fits, timeout=WAIT)
    before = viewer.scroll_area.viewport().size()
    with qtbot.waitSignal(panel.changed, timeout=WAIT):
        viewer.remove_location_button.click()
    qtbot.waitUntil(lambda: "removed" in viewer.warning_text.text(), timeout=WAIT)
    qtbot.wait(50)  # let the layout settle around the new warning text
    assert viewer.scroll_area.viewport().size() != before, "the space did change"
    assert fits(), (viewer.image_label.pixmap().size(), viewer.scroll_area.viewport().size())
    bar = viewer.scroll_area.verticalScrollBar()
    assert not bar.isVisible()
