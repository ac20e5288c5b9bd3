"""The bundle format (field laptop → HQ): sign inside, then encrypt. See docs/bundle-format.md.

No Qt, no SQL: this package only turns records and attachments into a signed, encrypted
file and back, and rejects anything it cannot fully verify.
"""

from .errors import (
    BadManifest,
    BadSignature,
    BundleError,
    Corrupt,
    HeaderTooLarge,
    MemberMismatch,
    MissingMember,
    NotABundle,
    NotForUs,
    ReadFailed,
    RecipientMismatch,
    TooLarge,
    TooManyRecipients,
    UnexpectedMember,
    UnknownSigner,
    WriteFailed,
)
from .limits import DEFAULT_LIMITS, Limits
from .manifest import Manifest, Member
from .minisign import PublicKey, SigningKey
from .reader import read_bundle, verify_manifest
from .sink import BundleSink, MemorySink, VerifiedManifest
from .sizing import estimate_bundle_size
from .writer import AttachmentSource, WrittenBundle, remove_partial_bundles, write_bundle

__all__ = [
    "DEFAULT_LIMITS",
    "AttachmentSource",
    "BadManifest",
    "BadSignature",
    "BundleError",
    "BundleSink",
    "Corrupt",
    "HeaderTooLarge",
    "Limits",
    "Manifest",
    "Member",
    "MemberMismatch",
    "MemorySink",
    "MissingMember",
    "NotABundle",
    "NotForUs",
    "PublicKey",
    "ReadFailed",
    "RecipientMismatch",
    "SigningKey",
    "TooLarge",
    "TooManyRecipients",
    "UnexpectedMember",
    "UnknownSigner",
    "VerifiedManifest",
    "WriteFailed",
    "WrittenBundle",
    "estimate_bundle_size",
    "read_bundle",
    "remove_partial_bundles",
    "verify_manifest",
    "write_bundle",
]
