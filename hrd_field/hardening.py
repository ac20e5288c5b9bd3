"""What the running process does so that its memory stays its own.

An unlocked vault's process holds decrypted records and, while unlocked, the vault's key.
A crash must not write that memory to a core file (on Debian with systemd-coredump, a
crashed process's memory is kept on disk, compressed, for the same user to read), and
other programs running as the same user must not read it while it runs (ptrace, or
/proc/PID/mem). Both are set once, first thing, and cannot be undone by the process.
"""

from __future__ import annotations

import ctypes
import sys

PR_SET_DUMPABLE = 4


def keep_memory_private() -> None:
    """No core dump, and on Linux no ptrace or /proc/PID/mem by other processes of the
    same user (the process is made non-dumpable). Where the platform refuses, the app
    still runs: the security notes say what a laptop's set-up must then provide."""
    if sys.platform == "win32":  # no core files; Windows Error Reporting is system policy
        return
    import resource

    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        pass
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
        except (OSError, AttributeError):
            pass
