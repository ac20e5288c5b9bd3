"""A growing delay after repeated wrong passphrases, remembered across processes.

The counter file holds only a number. It slows down guessing through the app; an attacker
with the files attacks the Argon2id key file directly, which is why the KDF is slow anyway.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

FREE_ATTEMPTS = 3
MAX_DELAY_S = 30.0


def failures(path: Path) -> int:
    try:
        return max(0, int(path.read_text("ascii").strip() or 0))
    except (OSError, ValueError):
        return 0


def delay_for(count: int) -> float:
    """Seconds to wait before reporting the ``count``-th consecutive failure."""
    if count <= FREE_ATTEMPTS:
        return 0.0
    exponent = count - FREE_ATTEMPTS - 1
    return MAX_DELAY_S if exponent >= 5 else float(min(MAX_DELAY_S, 2 ** exponent))


def record_failure(path: Path) -> float:
    count = failures(path) + 1
    with contextlib.suppress(OSError):
        path.write_text(str(count), "ascii")
        path.chmod(0o600)
    return delay_for(count)


def reset(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
