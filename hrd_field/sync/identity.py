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
    before = current_profile(vault)
    vault.set_meta("hq_profile", profile_bytes.decode("utf-8"))
    # A new signing key is what a forged profile would bring: the audit log says so apart.
    changed = before is not None and key_changed(before, profile)
    vault.log("device.enrol_new_key" if changed else "device.enrol", "hq", profile.fingerprint)
    return profile


def key_changed(enrolled: HqProfile, candidate: HqProfile) -> bool:
    """Whether ``candidate`` is signed by another key than the profile this laptop trusts.
    (A profile signed by the same key may change recipients or addresses: that key vouches
    for it, so no new comparison aloud is needed.)"""
    return enrolled.fingerprint != candidate.fingerprint


def current_profile(vault: Vault) -> HqProfile | None:
    text = vault.meta("hq_profile")
    return load_profile(text.encode("utf-8")) if text else None


def enrolled_profile(vault: Vault) -> HqProfile:
    profile = current_profile(vault)
    if profile is None:
        raise UserError(_("This device is not enrolled with HQ yet: run 'hrd-field enroll "
                          "PROFILE' with the profile file HQ gave you."))
    return profile
