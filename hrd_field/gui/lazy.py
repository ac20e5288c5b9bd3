"""Modules loaded on first use, so the lock screen shows before the vault stack loads.

The vault stack (SQLCipher, Argon2, age, the record codecs) takes longer to import than Qt
takes to show a window. :func:`module` returns a placeholder that imports the real module
the first time an attribute is read; ``MainWindow.prepare`` reads one on the GUI thread right
after the lock screen is painted, so the vault worker never races an import.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def module(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    lazy = importlib.util.module_from_spec(spec)
    sys.modules[name] = lazy
    loader.exec_module(lazy)
    return lazy
