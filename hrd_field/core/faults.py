"""Named crash points for the crash-safety tests.

``crash_point("export.written")`` kills the process with SIGKILL, exactly there, when the
environment variable ``HRD_FIELD_TEST_CRASH_AT`` names that point; otherwise it does
nothing. Only the test suite sets the variable: a kill at a chosen step is how the tests
prove that every step of a write can be interrupted without losing what was reported saved.
"""

from __future__ import annotations

import os
import signal

ENV = "HRD_FIELD_TEST_CRASH_AT"


def crash_point(name: str) -> None:
    wanted = os.environ.get(ENV)
    if wanted and wanted == name:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
