"""File and folder choosers that leave no trail of folder names on disk.

Every QFileDialog writes its history and last visited folder to ``QtProject.conf`` in the
user's config directory when it is destroyed, in plain text and even when cancelled: a
folder named after a witness ("…/witness-Amina-Wambui-Goma") would outlive the vault.
These helpers use Qt's own (not the desktop's) dialog, then point it back at the home
folder with an empty history before it goes, so what Qt saves names nothing. ``forget``
clears what any earlier dialog left (panic erase calls it).
"""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import QDir, QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

_KEYS = ("history", "lastVisited")


def _run(dialog: QFileDialog) -> list[str]:
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    try:
        chosen = dialog.selectedFiles() if dialog.exec() else []
    finally:
        dialog.setHistory([])
        dialog.setDirectory(QDir.homePath())  # also what Qt keeps as "last visited"
        shiboken6.delete(dialog)  # Qt saves its settings now, not at some later point
    forget()
    return list(chosen)


def open_files(parent: QWidget | None, title: str, name_filter: str = "") -> list[str]:
    dialog = QFileDialog(parent, title, QDir.homePath(), name_filter)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    return _run(dialog)


def open_file(parent: QWidget | None, title: str, name_filter: str = "") -> str:
    dialog = QFileDialog(parent, title, QDir.homePath(), name_filter)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    return next(iter(_run(dialog)), "")


def existing_folder(parent: QWidget | None, title: str) -> str:
    dialog = QFileDialog(parent, title, QDir.homePath())
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    return next(iter(_run(dialog)), "")


def save_file(parent: QWidget | None, title: str, suggested: str,
              name_filter: str = "") -> str:
    dialog = QFileDialog(parent, title, str(Path(QDir.homePath()) / suggested), name_filter)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    return next(iter(_run(dialog)), "")


def forget() -> None:
    """Remove the folder history Qt's file dialogs keep in ``QtProject.conf``."""
    settings = QSettings(QSettings.Scope.UserScope, "QtProject")
    settings.beginGroup("FileDialog")
    for key in _KEYS:
        settings.remove(key)
    settings.endGroup()
    settings.sync()
