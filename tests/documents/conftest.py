"""The PDF code makes a bare QGuiApplication when none exists; a GUI test that runs later in
the same process (an xdist worker runs many files) could then not create a widget and
aborts. pytest-qt's QApplication is made first, and the PDF code reuses it."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _qt_application(qapp: Any) -> Any:
    return qapp
