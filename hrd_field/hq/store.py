"""The HQ store: HQ's keys and the repository holding its device registry and the records
received from the field. HQ's secrets (the age identity that decrypts bundles and the key
that signs profiles and receipts) live only encrypted under the HQ passphrase: inside the
embedded store's SQLCipher database, or in the key store of a PostgreSQL-backed HQ, never
in PostgreSQL."""

from __future__ import annotations

import os
import ssl
from pathlib import Path

import pyrage

from ..bundle.minisign import SigningKey
from ..bundle.profile import HqProfile, Policy
from ..core.errors import UserError
from ..core.i18n import _
from ..core.records import utc_now
from ..vault.vault import Vault
from .embedded import EmbeddedRepository
from .repository import HqRepository

ROLE = "hq"


def require_hq(vault: Vault) -> Vault:
    """The one check that a vault is an HQ store; closes it and refuses otherwise."""
    if vault.meta("role") != ROLE:
        vault.close()
        raise UserError(_("{path} is a field vault, not an HQ store.").format(
            path=vault.paths.root))
    return vault


class HqStore:
    """An unlocked HQ store: HQ's keys and its repository (``repo``); ``close`` locks it.

    The embedded store keeps both in one SQLCipher vault (``vault``).
    """

    def __init__(self, vault: Vault):
        self.vault = require_hq(vault)
        self.repo: HqRepository = EmbeddedRepository(vault)
        self._secrets = {name: vault.meta(name) or "" for name in _SECRETS}

    @classmethod
    def init(cls, root: Path, passphrase: str, organisation: str) -> HqStore:
        vault = Vault.create(root, passphrase)
        for name, value in new_secrets(organisation).items():
            vault.set_meta(name, value)
        vault.set_meta("role", ROLE)
        (root / "quarantine").mkdir(mode=0o700, exist_ok=True)
        return cls(vault)

    @classmethod
    def open(cls, root: Path, passphrase: str) -> HqStore:
        return cls(Vault.unlock(root, passphrase))

    def close(self) -> None:
        self.repo.close()
        self.vault.close()

    def __enter__(self) -> HqStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def root(self) -> Path:
        return self.vault.paths.root

    @property
    def quarantine_dir(self) -> Path:
        path = self.root / "quarantine"
        path.mkdir(mode=0o700, exist_ok=True)
        return path

    @property
    def backend(self) -> str:
        return self.repo.backend

    def identities(self) -> list[str]:
        identity = self._secrets.get("hq_age_identity")
        if not identity:
            raise UserError(_("The HQ store has no decryption key."))
        return [identity]

    def recipients(self) -> list[str]:
        return [str(pyrage.x25519.Identity.from_str(i).to_public()) for i in self.identities()]

    def signing_key(self) -> SigningKey:
        seed, key_id = self._secrets.get("hq_signing_seed"), self._secrets.get("hq_signing_key_id")
        if not seed or not key_id:
            raise UserError(_("The HQ store has no signing key."))
        return SigningKey(bytes.fromhex(seed), bytes.fromhex(key_id))

    def profile(self, *, intake_url: str = "", tls_cert: Path | None = None,
                policy: Policy | None = None) -> HqProfile:
        pin = ""
        if tls_cert is not None:
            try:
                pin = tls_cert.read_text("ascii")
                ssl.PEM_cert_to_DER_cert(pin)
            except (OSError, ValueError) as exc:
                raise UserError(_("Cannot read the certificate {path}.").format(
                    path=tls_cert)) from exc
        return HqProfile(
            organisation=self._secrets.get("hq_organisation", ""),
            recipients=tuple(self.recipients()),
            signing_key=self.signing_key().public_key(),
            intake_url=intake_url,
            tls_certificate=pin,
            policy=policy or Policy(),
            created_at=utc_now(),
        )


_SECRETS = ("hq_age_identity", "hq_signing_seed", "hq_signing_key_id", "hq_organisation")


def new_secrets(organisation: str) -> dict[str, str]:
    """HQ's keys, made once: the age identity that decrypts bundles and the Ed25519 key that
    signs profiles and receipts."""
    identity = pyrage.x25519.Identity.generate()
    key = SigningKey.generate()
    return {"hq_age_identity": str(identity), "hq_signing_seed": key.seed().hex(),
            "hq_signing_key_id": key.key_id.hex(), "hq_organisation": organisation}


def random_file_name() -> str:
    return os.urandom(16).hex() + ".hrdb"
