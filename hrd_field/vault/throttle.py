"""A growing delay after repeated wrong passphrases, remembered across processes.

The counter file ``unlock-failures`` holds the count and a MAC over it (``"3 <hex>"``),
keyed by the vault's id from the key file, and it always exists once a vault is created
(count 0). A counter that is missing, not a file, unreadable or whose MAC does not match
counts as the maximum delay: deleting it, replacing it with a directory or writing "0" in
it no longer buys an attacker free guesses.

Limits (docs/security.md, "The unlock delay"): the MAC key comes from the key file, which
lies beside the counter, so someone who reads this code can still forge a counter; and an
attacker with a copy of the files attacks the Argon2id key file directly, without the app.
The delay slows down guessing through the app on a seized, running laptop; the slow KDF is
what protects the files.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
from pathlib import Path

from .fsutil import atomic_file

FREE_ATTEMPTS = 3
MAX_DELAY_S = 30.0
TAMPERED = FREE_ATTEMPTS + 6
"""The count assumed when the counter is missing or not authentic (the maximum delay)."""
MAX_BYTES = 200


def _mac(vault_id: str, count: int) -> str:
    key = hashlib.sha256(b"hrd-field unlock-failures\0" + vault_id.encode()).digest()
    return hmac.new(key, str(count).encode(), hashlib.sha256).hexdigest()


def failures(path: Path, vault_id: str) -> int | None:
    """The authentic count, or None if the counter is missing, unreadable or altered."""
    try:
        if not path.is_file() or path.is_symlink():
            return None
        with open(path, "rb") as fh:
            text = fh.read(MAX_BYTES).decode("ascii")
        count_text, mac = text.split()
        count = int(count_text)
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if count < 0 or len(count_text) > 12 or not hmac.compare_digest(mac, _mac(vault_id, count)):
        return None
    return count


def counted(path: Path, vault_id: str) -> int:
    found = failures(path, vault_id)
    return TAMPERED if found is None else found


def delay_for(count: int) -> float:
    """Seconds to wait before reporting the ``count``-th consecutive failure."""
    if count <= FREE_ATTEMPTS:
        return 0.0
    exponent = count - FREE_ATTEMPTS - 1
    return MAX_DELAY_S if exponent >= 5 else float(min(MAX_DELAY_S, 2 ** exponent))


def _write(path: Path, vault_id: str, count: int) -> None:
    with contextlib.suppress(OSError), atomic_file(path) as fh:
        fh.write(f"{count} {_mac(vault_id, count)}\n".encode("ascii"))


def record_failure(path: Path, vault_id: str) -> float:
    count = min(counted(path, vault_id), 10**9) + 1
    _write(path, vault_id, count)
    return delay_for(count)


def reset(path: Path, vault_id: str) -> None:
    """After a right passphrase (and when the vault is created): an authentic zero."""
    if failures(path, vault_id) == 0:
        return  # already an authentic zero: no write at every unlock
    if path.is_dir() and not path.is_symlink():
        with contextlib.suppress(OSError):
            path.rmdir()  # planted to block the counter; an empty one goes
    _write(path, vault_id, 0)
