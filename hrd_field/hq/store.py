"""The HQ store: an encrypted vault holding HQ's keys, its device registry and the records
received from the field. Its secrets (the age identity that decrypts bundles and the key
that signs profiles and receipts) live only inside the encrypted database."""

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
from .rules import gap_ranges

ROLE = "hq"


class HqStore:
    """An unlocked HQ store; ``close`` locks it."""

    def __init__(self, vault: Vault):
        if vault.meta("role") != ROLE:
            vault.close()
            raise UserError(_("{path} is a field vault, not an HQ store.").format(
                path=vault.paths.root))
        self.vault = vault

    @classmethod
    def init(cls, root: Path, passphrase: str, organisation: str) -> HqStore:
        vault = Vault.create(root, passphrase)
        identity = pyrage.x25519.Identity.generate()
        key = SigningKey.generate()
        with vault.db.transaction() as c:
            for name, value in (("role", ROLE), ("hq_age_identity", str(identity)),
                                ("hq_signing_seed", key.seed().hex()),
                                ("hq_signing_key_id", key.key_id.hex()),
                                ("hq_organisation", organisation)):
                c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                          (name, value))
        (root / "quarantine").mkdir(mode=0o700, exist_ok=True)
        return cls(vault)

    @classmethod
    def open(cls, root: Path, passphrase: str) -> HqStore:
        return cls(Vault.unlock(root, passphrase))

    def close(self) -> None:
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

    def identities(self) -> list[str]:
        identity = self.vault.meta("hq_age_identity")
        if not identity:
            raise UserError(_("The HQ store has no decryption key."))
        return [identity]

    def recipients(self) -> list[str]:
        return [str(pyrage.x25519.Identity.from_str(i).to_public()) for i in self.identities()]

    def signing_key(self) -> SigningKey:
        seed, key_id = self.vault.meta("hq_signing_seed"), self.vault.meta("hq_signing_key_id")
        if not seed or not key_id:
            raise UserError(_("The HQ store has no signing key."))
        return SigningKey(bytes.fromhex(seed), bytes.fromhex(key_id))

    def gaps(self) -> dict[str, list[tuple[int, int]]]:
        """Per device name: the sequences neither received nor declared abandoned, as
        inclusive ranges."""
        hq = self.vault.hq
        return {d.name: gap_ranges(*hq.sequences(d.public_key)) for d in hq.devices()}

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
            organisation=self.vault.meta("hq_organisation") or "",
            recipients=tuple(self.recipients()),
            signing_key=self.signing_key().public_key(),
            intake_url=intake_url,
            tls_certificate=pin,
            policy=policy or Policy(),
            created_at=utc_now(),
        )


def random_file_name() -> str:
    return os.urandom(16).hex() + ".hrdb"
