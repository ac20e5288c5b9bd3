"""Cheap authentication of an upload before HQ spends any effort on it, with standard HTTP
Message Signatures (RFC 9421, Ed25519) and a Content-Digest (RFC 9530), so any HTTP client
with an RFC 9421 library can talk to the intake.

The device signs, with its bundle-signing key, the method, the exact target URI, the
``content-digest`` (SHA-256 of the body) and the ``content-length``, with a ``created``
time; ``keyid`` is its public key. HQ checks the signature and the time window, then that
the key is a registered, active device — before reading the body. A captured request can
only be replayed within the window, and replaying an upload is a harmless duplicate.
"""

from __future__ import annotations

import base64
import datetime
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import http_sf
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
    algorithms,
)

from .minisign import PublicKey, SigningKey

LABEL = "hrd"
TAG = "hrd-field-upload"
WINDOW_S = 300
H_SIGNATURE, H_INPUT, H_DIGEST = "signature", "signature-input", "content-digest"
COVERED_UPLOAD = ("@method", "@target-uri", "content-digest", "content-length")
COVERED_GET = ("@method", "@target-uri")
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@dataclass
class _Message:
    """The request as RFC 9421 sees it: method, target URI, header fields."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)


class _Keys(HTTPSignatureKeyResolver):
    """The key id is the device's public key (the line 'hrd-field identity show' prints)."""

    def __init__(self, signing: SigningKey | None = None):
        self._signing = signing

    def resolve_public_key(self, key_id: str) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(PublicKey.from_base64(key_id).raw)

    def resolve_private_key(self, key_id: str) -> Ed25519PrivateKey:
        assert self._signing is not None
        return Ed25519PrivateKey.from_private_bytes(self._signing.seed())


def content_digest(sha256_hex: str) -> str:
    """The RFC 9530 ``Content-Digest`` field for a body with this SHA-256."""
    return "sha-256=:" + base64.b64encode(bytes.fromhex(sha256_hex)).decode("ascii") + ":"


def sign_request(key: SigningKey, method: str, url: str, sha256: str, length: int,
                 now: float | None = None) -> dict[str, str]:
    """The headers that authenticate a request: ``content-digest`` and ``content-length``
    (uploads), ``signature-input`` and ``signature``."""
    ts = int(now if now is not None else time.time())
    message = _Message(method.upper(), url)
    upload = method.upper() == "POST"
    if upload:
        message.headers[H_DIGEST] = content_digest(sha256)
        message.headers["content-length"] = str(length)
    HTTPMessageSigner(signature_algorithm=algorithms.ED25519, key_resolver=_Keys(key)).sign(
        message, key_id=key.public_key().to_base64(), label=LABEL, tag=TAG,
        created=datetime.datetime.fromtimestamp(ts, datetime.UTC),
        covered_component_ids=COVERED_UPLOAD if upload else COVERED_GET,
        use_existing_digest=upload)
    if not upload:
        message.headers.pop("content-length", None)
    return message.headers


def _sha256_of(digest: str) -> str | None:
    try:
        parsed: Any = http_sf.parse(digest.encode("ascii"), tltype="dictionary")
        value = parsed["sha-256"][0]
    except (KeyError, ValueError, TypeError, IndexError, UnicodeEncodeError):
        return None
    if not isinstance(value, bytes | bytearray) or len(value) != 32:
        return None
    return bytes(value).hex()


def check_request(headers: Mapping[str, str], method: str, url: str, length: int,
                  now: float | None = None) -> tuple[PublicKey, str] | str:
    """(device key, claimed body SHA-256) if the request carries a valid signature; else why
    not. ``url``: the public URL the device signed (HQ's ``--url`` and the request path).

    The caller still checks that the key belongs to a registered, active device, and that
    the body it then reads has that SHA-256.
    """
    upload = method.upper() == "POST"
    fields = {k.lower(): v for k, v in headers.items()
              if k.lower() in (H_SIGNATURE, H_INPUT, H_DIGEST, "content-length")}
    if H_SIGNATURE not in fields or H_INPUT not in fields:
        return "missing or malformed authentication headers"
    if upload:
        sha = _sha256_of(fields.get(H_DIGEST, ""))
        if sha is None:
            return "missing or malformed content-digest (sha-256)"
        if fields.get("content-length") != str(length):
            return "content-length does not match"
    else:
        sha = EMPTY_SHA256
    message = _Message(method.upper(), url, fields)
    try:
        [result] = HTTPMessageVerifier(signature_algorithm=algorithms.ED25519,
                                       key_resolver=_Keys()).verify(
            message, expect_tag=TAG, max_age=datetime.timedelta(seconds=WINDOW_S),
            require_components=COVERED_UPLOAD if upload else COVERED_GET)
        key = PublicKey.from_base64(str(result.parameters["keyid"]))
        created = int(result.parameters["created"])
    except Exception as exc:  # untrusted input: any failure is a refusal, never a crash
        return f"bad signature ({_first_line(exc)})"
    if abs((now if now is not None else time.time()) - created) > WINDOW_S:
        return "signature time outside the accepted window"
    return key, sha


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:120]
