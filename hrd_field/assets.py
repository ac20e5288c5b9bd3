"""Where the installed data lives: ``resources/`` and ``i18n/`` of the repository install as
``hrd_field.resources`` and ``hrd_field.catalogs``; a frozen build carries them as plain
folders beside the package (PyInstaller data files), which this also finds."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path


def asset_dir(name: str) -> Traversable:
    try:
        return files(f"hrd_field.{name}")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent / name
