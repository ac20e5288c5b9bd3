"""Small signed JSON documents exchanged with HQ: the enrolment profile and receipts.

File layout: canonical JSON ``{"document": {...}, "signature": "<minisig text>"}`` where the
signature covers the canonical bytes of ``document`` — checkable with stock minisign after
extracting the document.
"""

from __future__ import annotations

import json
from typing import Any

from ..core.codec import parse_json
from ..core.errors import UserError
from ..core.i18n import _
from .manifest import canonical_json
from .minisign import PublicKey, SigningKey, verify

MAX_DOC_BYTES = 256 * 1024


def sign_document(document: dict[str, Any], key: SigningKey, comment: str) -> bytes:
    body = canonical_json(document)
    signature = key.sign(body, comment, "signature from hrd-field HQ key")
    return json.dumps({"document": document, "signature": signature}, sort_keys=True,
                      ensure_ascii=False, indent=1).encode("utf-8")


def open_document(data: bytes, expected_format: str,
                  not_this_kind: str) -> tuple[dict[str, Any], str]:
    """Parse a signed document without trusting it yet: (document, signature text)."""
    if len(data) > MAX_DOC_BYTES:
        raise UserError(_("The file is too large to be an HRD Field document."))
    outer = parse_json(data)
    if not isinstance(outer, dict) or set(outer) != {"document", "signature"} \
            or not isinstance(outer["document"], dict) \
            or not isinstance(outer["signature"], str):
        raise UserError(_("This is not a signed HRD Field document."))
    document = outer["document"]
    if document.get("format") != expected_format:
        raise UserError(not_this_kind)
    return document, outer["signature"]


def check_signature(document: dict[str, Any], signature: str, key: PublicKey) -> None:
    """Raises BadSignature unless ``signature`` by ``key`` covers ``document``."""
    verify(canonical_json(document), signature, key)
