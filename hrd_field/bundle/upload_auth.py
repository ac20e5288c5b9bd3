"""Cheap authentication of an upload before HQ spends any effort on it.

The device signs, with its bundle-signing key, the method, the exact URL, a timestamp, the
body's SHA-256 and length. HQ checks the key is a registered, active device, the time is
within a window and the signature holds — before reading the body. A captured request can
only be replayed within the window, and replaying an upload is a harmless duplicate.
"""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Mapping

from .minisign import PublicKey, SigningKey

SCHEME = "hrd-field-upload-v1"
WINDOW_S = 300
H_DEVICE, H_TIME, H_SHA, H_SIG = ("x-hrd-device", "x-hrd-timestamp", "x-hrd-content-sha256",
                                  "x-hrd-signature")


def _canonical(method: str, url: str, timestamp: int, sha256: str, length: int) -> bytes:
    return f"{SCHEME}\n{method.upper()}\n{url}\n{timestamp}\n{sha256}\n{length}".encode()


def sign_request(key: SigningKey, method: str, url: str, sha256: str, length: int,
                 now: float | None = None) -> dict[str, str]:
    ts = int(now if now is not None else time.time())
    sig = key.sign_raw(_canonical(method, url, ts, sha256, length))
    return {H_DEVICE: key.public_key().to_base64(), H_TIME: str(ts), H_SHA: sha256,
            H_SIG: base64.b64encode(sig).decode("ascii")}


def check_request(headers: Mapping[str, str], method: str, url: str, length: int,
                  now: float | None = None) -> tuple[PublicKey, str] | str:
    """(device key, claimed body SHA-256) if the headers are a valid signature; else why not.

    The caller still checks that the key belongs to a registered, active device.
    """
    try:
        key = PublicKey.from_base64(headers[H_DEVICE])
        ts = int(headers[H_TIME])
        sha = headers[H_SHA]
        sig = base64.b64decode(headers[H_SIG], validate=True)
    except (KeyError, ValueError, binascii.Error):
        return "missing or malformed authentication headers"
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        return "malformed content hash"
    if abs((now if now is not None else time.time()) - ts) > WINDOW_S:
        return "timestamp outside the accepted window"
    if not key.verify_raw(_canonical(method, url, ts, sha, length), sig):
        return "bad signature"
    return key, sha
