"""The device's identity and its enrolment with HQ, kept inside the vault."""

from __future__ import annotations

import hashlib

from ..bundle.minisign import PublicKey, SigningKey
from ..bundle.profile import HqProfile, load_profile
from ..core.errors import UserError
from ..core.i18n import _
from ..vault.vault import Vault


def device_key(vault: Vault) -> SigningKey:
    """The Ed25519 key that signs this device's bundles; its id derives from the key."""
    seed = vault.device_seed()
    public = SigningKey(seed, b"\0" * 8).public_key().raw
    return SigningKey(seed, hashlib.blake2b(public, digest_size=8).digest())


def device_public_key(vault: Vault) -> PublicKey:
    return device_key(vault).public_key()


def enrol(vault: Vault, profile_bytes: bytes) -> HqProfile:
    profile = load_profile(profile_bytes)
    vault.set_meta("hq_profile", profile_bytes.decode("utf-8"))
    vault.log("device.enrol", "hq", profile.fingerprint)
    return profile


def enrolled_profile(vault: Vault) -> HqProfile:
    text = vault.meta("hq_profile")
    if not text:
        raise UserError(_("This device is not enrolled with HQ yet: run 'hrd-field enroll "
                          "PROFILE' with the profile file HQ gave you."))
    return load_profile(text.encode("utf-8"))
