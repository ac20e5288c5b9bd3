"""Talking to the HQ intake service: health, upload with retries, receipts."""

from __future__ import annotations

import hashlib
import json
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from tenacity import (
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from ..bundle.minisign import SigningKey
from ..bundle.profile import HqProfile
from ..bundle.upload_auth import sign_request
from ..core.errors import UserError
from ..core.i18n import N_, _
from .errors import SyncError

CHUNK = 1 << 16
MAX_ANSWER = 1 << 20
"""HQ's answers are receipts and short errors (a few KiB): more is refused unread."""
RETRY_IN_CALL = frozenset({429, 502, 503, 504})
"""Answers worth retrying at once (busy, restarting); a 500 on one bundle is retried on the
next sync, after the other bundles, so one bad bundle never stalls the outbox."""
MAX_WAIT_IN_CALL_S = 20.0
"""An answer asking to wait longer (``Retry-After``: HQ's disk is full, its database away)
is not retried within this sync: sending the bundle again at once would only spend the
field's bandwidth. The next sync tries after that wait."""


@dataclass(frozen=True)
class Answer:
    """HQ's answer, read with a size cap."""

    status_code: int
    content: bytes
    retry_after: float | None = None
    """Seconds HQ asked to wait (``Retry-After``), if it said."""


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, SyncError) and exc.retryable and \
        (exc.retry_after or 0) <= MAX_WAIT_IN_CALL_S


def _retry_after(response: httpx.Response) -> float | None:
    """``Retry-After`` in seconds (the delay form; a date or nonsense counts as unsaid)."""
    value = response.headers.get("retry-after", "").strip()
    return float(min(int(value), 86_400)) if value.isdigit() else None


def _file_chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            yield chunk


class IntakeClient:
    def __init__(self, profile: HqProfile, key: SigningKey, url: str | None = None, *,
                 timeout: float = 30.0, attempts: int = 4):
        self.base_url = (url or profile.intake_url).rstrip("/")
        if not self.base_url:
            raise UserError(_("No intake URL: HQ's profile names none; give --url."))
        verify: ssl.SSLContext | bool = True
        if profile.tls_certificate:
            # Trust exactly the certificate HQ pinned in its signed profile, nothing else.
            verify = ssl.create_default_context(cadata=profile.tls_certificate)
        self._http = httpx.Client(verify=verify, timeout=timeout)
        self._key = key
        self._attempts = attempts

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> IntakeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, method: str, path: str, *, body_path: Path | None = None) -> Answer:
        url = self.base_url + path
        sha, length = hashlib.sha256(b"").hexdigest(), 0
        if body_path is not None:
            digest = hashlib.sha256()
            for chunk in _file_chunks(body_path):
                digest.update(chunk)
                length += len(chunk)
            sha = digest.hexdigest()
        headers = sign_request(self._key, method, url, sha, length)
        headers["content-length"] = str(length)
        try:
            with self._http.stream(method, url, headers=headers, content=_file_chunks(
                    body_path) if body_path is not None else None) as streamed:
                response = Answer(streamed.status_code, _read_capped(streamed),
                                  _retry_after(streamed))
        except httpx.TransportError as exc:
            if _certificate_refused(exc):
                raise SyncError(_(
                    "The server's certificate is not the one in HQ's profile: the connection "
                    "may be intercepted. Nothing was sent."), retryable=False) from exc
            raise SyncError(_("HQ cannot be reached ({kind}).").format(
                kind=type(exc).__name__), retryable=True) from exc
        if response.status_code in (429,) or response.status_code >= 500:
            raise SyncError(_("HQ is busy or failing (HTTP {code}); will retry.").format(
                code=response.status_code), retryable=response.status_code in RETRY_IN_CALL,
                status=response.status_code, retry_after=response.retry_after)
        return response

    def _with_retries(self, fn: object) -> Answer:
        retrying = Retrying(stop=stop_after_attempt(self._attempts),
                            wait=wait_random_exponential(multiplier=0.5, max=20),
                            retry=retry_if_exception(_retryable), reraise=True)
        return retrying(fn)  # type: ignore[arg-type]

    def upload(self, path: Path) -> bytes:
        """Upload one bundle; returns HQ's receipt bytes (not yet verified)."""
        response = self._with_retries(lambda: self._call("POST", "/v1/bundles",
                                                         body_path=path))
        if response.status_code != 200:
            raise SyncError(_("HQ refused the bundle: {why}").format(
                why=_reason(response)), retryable=False, status=response.status_code)
        return response.content

    def fetch_receipt(self, bundle_id: str) -> bytes | None:
        response = self._with_retries(lambda: self._call("GET", f"/v1/receipts/{bundle_id}"))
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise SyncError(_("HQ refused the request: {why}").format(
                why=_reason(response)), retryable=False, status=response.status_code)
        return response.content


def _certificate_refused(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _read_capped(response: httpx.Response) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_ANSWER:
        raise SyncError(_("HQ's answer is too large ({n} bytes); it was not read.").format(
            n=declared), retryable=False, status=response.status_code)
    body = bytearray()
    for chunk in response.iter_bytes(CHUNK):
        body += chunk
        if len(body) > MAX_ANSWER:
            raise SyncError(_("HQ's answer is too large (more than {n} bytes); it was not "
                              "read.").format(n=MAX_ANSWER), retryable=False,
                            status=response.status_code)
    return bytes(body)


_REFUSALS = {
    "unauthenticated": N_("HQ could not check this laptop's signature on the request (is the "
                          "laptop's date and time right?)."),
    "forbidden": N_("HQ does not know this laptop, or has revoked it: ask HQ."),
    "revoked": N_("HQ has revoked the laptop that signed this bundle: ask HQ."),
    "unknown_device": N_("HQ does not know the laptop that signed this bundle: ask HQ."),
    "too_large": N_("The bundle is larger than HQ accepts."),
    "length_required": N_("The upload did not give its size, which HQ requires."),
    "timeout": N_("The upload stalled and HQ stopped waiting for it."),
    "incomplete": N_("The upload was cut short on the way to HQ."),
    "hash_mismatch": N_("The bundle changed on the way to HQ."),
    "rejected": N_("HQ found the bundle damaged or invalid and imported nothing."),
    "suspect": N_("HQ raised an alarm about this bundle and imported nothing: call HQ."),
    "equivocation": N_("HQ holds a different bundle with the same number from this laptop "
                       "and imported nothing: call HQ."),
    "not_found": N_("HQ has no receipt for this bundle."),
}
"""HQ's refusals, by the code its answer gives: HQ answers in English (its API's language),
the person at the laptop reads their own."""


def _reason(response: Answer) -> str:
    try:
        answer = json.loads(response.content)
        code, detail = answer.get("error"), str(answer.get("message", ""))[:200]
    except (ValueError, AttributeError):
        return str(response.status_code)
    known = _REFUSALS.get(code) if isinstance(code, str) else None
    if known is None:
        return detail or str(response.status_code)
    return _(known) + (" " + _("(HQ said: {detail})").format(detail=detail) if detail else "")
