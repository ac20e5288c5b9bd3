"""How a transfer to HQ failed, apart from the HTTP client that raises it: the vault side
(settling receipts, recording attempts) needs the type, not the network stack, which it
would otherwise load on the vault worker while someone waits for a search."""

from __future__ import annotations

from ..core.errors import UserError


class SyncError(UserError):
    def __init__(self, message: str, *, retryable: bool, status: int | None = None,
                 retry_after: float | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after
