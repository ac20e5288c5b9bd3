"""SHA-256 of a large member on another core, while this thread decrypts the next blocks.

pyrage keeps the GIL while it decrypts, but hashlib lets it go while it hashes a buffer of
2 KiB or more, and the reading thread lets it go at each file read and write; so a helper
thread that hashes the blocks handed to it runs beside the decryption instead of after it
(hashing was a quarter of an import's CPU time). Memory stays bounded: at most
``max_pending`` blocks wait, then the producer waits for the helper.
"""

from __future__ import annotations

import hashlib
import threading
from collections import deque


class BackgroundSha256:
    """``update`` hands a block over (it must not change afterwards: give ``bytes``);
    ``hexdigest`` waits for the helper and ends it; ``abort`` ends it, dropping the rest.
    One of the two must be called: the helper thread lives until then."""

    def __init__(self, max_pending: int = 8) -> None:
        self._digest = hashlib.sha256()
        self._pending: deque[bytes] = deque()
        self._max = max_pending
        self._cond = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="bundle-sha256", daemon=True)
        self._thread.start()

    def update(self, data: bytes) -> None:
        with self._cond:
            while len(self._pending) >= self._max and not self._closed:
                self._cond.wait()
            if self._closed:
                raise ValueError("update after hexdigest or abort")
            self._pending.append(data)
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._closed:
                    self._cond.wait()
                if not self._pending:
                    return
                batch = list(self._pending)
                self._pending.clear()
                self._cond.notify_all()
            # One update per batch: each update gives the GIL up and must win it back from
            # the decrypting thread, which holds it for long stretches.
            self._digest.update(batch[0] if len(batch) == 1 else b"".join(batch))

    def _end(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join()

    def hexdigest(self) -> str:
        self._end()
        return self._digest.hexdigest()

    def abort(self) -> None:
        with self._cond:
            self._pending.clear()
        self._end()
