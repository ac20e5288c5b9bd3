"""Why a bundle was rejected: one class per reason, each with a stable machine ``code``.

Messages are one translated line with named placeholders. They never contain record content:
the only values put in them are sizes, limits, member names (hashes or fixed names) and short
reasons chosen by this package, so they are safe to log at HQ.
"""

from __future__ import annotations

import string
from typing import ClassVar

from hrd_field.core.errors import UserError
from hrd_field.core.i18n import N_, _


def printable(value: object, limit: int = 80) -> str:
    """An attacker-chosen value (e.g. a tar member name) made safe for a one-line message."""
    if isinstance(value, bytes):
        text = value.decode("ascii", "replace")
    else:
        text = value if isinstance(value, str) else repr(value)
    keep = set(string.ascii_letters + string.digits + "./_-:+ ")
    cleaned = "".join(ch if ch in keep else "?" for ch in text)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


class BundleError(UserError):
    """Base class: ``code`` is stable across versions and languages (use it in logic and logs)."""

    code: ClassVar[str] = "bundle_error"
    template: ClassVar[str] = N_("The bundle could not be processed.")

    def __init__(self, **params: object) -> None:
        self.params = params
        try:
            message = _(self.template).format(**params)
        except (KeyError, IndexError, ValueError):
            # A broken translation must not hide the real error.
            message = self.template.format(**params)
        super().__init__(message)


class NotABundle(BundleError):
    code = "not_a_bundle"
    template = N_("This file is not an HRD Field bundle ({reason}).")


class HeaderTooLarge(BundleError):
    code = "header_too_large"
    template = N_(
        "The bundle's encryption header exceeds the limit of {limit} bytes; it was rejected "
        "before decryption."
    )


class TooManyRecipients(BundleError):
    code = "too_many_recipients"
    template = N_(
        "The bundle is addressed to more than {limit} recipients; it was rejected before "
        "decryption."
    )


class NotForUs(BundleError):
    code = "not_for_us"
    template = N_(
        "None of the available keys can open this bundle: it was encrypted for someone else, "
        "or its header is damaged."
    )


class Corrupt(BundleError):
    code = "corrupt"
    template = N_("The bundle is damaged or has been tampered with ({reason}).")


class BadSignature(BundleError):
    code = "bad_signature"
    template = N_("The signature is not valid ({reason}).")


class UnknownSigner(BundleError):
    """Raised by the caller's trust decision (e.g. the HQ device registry), not by the reader."""

    code = "unknown_signer"
    template = N_("The bundle was signed by a device key that is not trusted here ({fingerprint}).")


class BadManifest(BundleError):
    code = "bad_manifest"
    template = N_("The bundle's manifest is invalid: {reason}.")


class MemberMismatch(BundleError):
    code = "member_mismatch"
    template = N_("The bundle member {name} does not match its manifest ({reason}).")


class UnexpectedMember(BundleError):
    code = "unexpected_member"
    template = N_("The bundle contains an unexpected member {name} ({reason}).")


class MissingMember(BundleError):
    code = "missing_member"
    template = N_("The bundle is missing the member {name}.")


class RecipientMismatch(BundleError):
    code = "recipient_mismatch"
    template = N_(
        "The bundle was encrypted to a recipient its signed manifest does not name: it was "
        "forwarded or re-encrypted by someone else."
    )


class TooLarge(BundleError):
    code = "too_large"
    template = N_("The bundle exceeds a size limit ({what}: {size} bytes, limit {limit} bytes).")


class ReadFailed(BundleError):
    code = "read_failed"
    template = N_("The bundle file could not be read ({reason}).")


class WriteFailed(BundleError):
    code = "write_failed"
    template = N_("The bundle could not be written to {directory} ({reason}).")
