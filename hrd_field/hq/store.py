"""The HQ store: HQ's keys and the repository holding its device registry and the records
received from the field. HQ's secrets (the age identity that decrypts bundles and the key
that signs profiles and receipts) live only encrypted under the HQ passphrase: inside the
embedded store's SQLCipher database, or in the key store of a PostgreSQL-backed HQ, never
in PostgreSQL."""

from __future__ import annotations

import contextlib
import functools
import getpass
import os
import ssl
from collections.abc import Callable
from pathlib import Path

import pyrage

from ..bundle.minisign import SigningKey
from ..bundle.profile import HqProfile, Policy
from ..core.errors import UserError
from ..core.i18n import _
from ..core.records import utc_now
from ..vault.vault import Vault
from .backends import postgres_required
from .embedded import EmbeddedRepository
from .kind import ROLE, refuse_field_vault
from .repository import HqRepository


def require_hq(vault: Vault) -> Vault:
    """That an open vault is an HQ store; closes it and refuses otherwise. Opening decides
    this before anything is written (``Vault.unlock(kind=…)``): this is the last guard."""
    try:
        refuse_field_vault(vault.paths.root, vault.meta("role"))
    except UserError:
        vault.close()
        raise
    return vault


class HqStore:
    """An unlocked HQ store: HQ's keys and its repository (``repo``); ``close`` locks it.

    The embedded store keeps both in one SQLCipher vault (``vault``); a PostgreSQL-backed
    store keeps the keys in ``root`` (``hq.keystore``) and the records in the database.
    """

    def __init__(self, root: Path, secrets: dict[str, str], repo: HqRepository,
                 vault: Vault | None = None):
        self._root = root
        self._secrets = secrets
        self.repo = repo
        self.vault = vault
        self._database: str | None = None  # the address ``open`` was given, if another

    @classmethod
    def _embedded(cls, vault: Vault) -> HqStore:
        require_hq(vault)
        secrets = {name: vault.meta(name) or "" for name in _SECRETS}
        return cls(vault.paths.root, secrets, EmbeddedRepository(vault), vault)

    @classmethod
    def init(cls, root: Path, passphrase: str, organisation: str, *,
             database: str | None = None) -> HqStore:
        """A new HQ: embedded, or with ``database`` (a PostgreSQL URL) a key store in
        ``root`` and the records in that database, which must not belong to another HQ."""
        if database is not None:
            return cls._init_postgres(root, passphrase, organisation, database)
        vault = Vault.create(root, passphrase)
        for name, value in new_secrets(organisation).items():
            vault.set_meta(name, value)
        vault.set_meta("role", ROLE)
        (root / "quarantine").mkdir(mode=0o700, exist_ok=True)
        return cls._embedded(vault)

    @classmethod
    def _init_postgres(cls, root: Path, passphrase: str, organisation: str,
                       database: str) -> HqStore:
        from . import keystore
        from .sealing import new_key

        with postgres_required():
            from . import postgres

        if keystore.exists(root) or (root / "vault.key").exists():
            raise UserError(_("An HQ store already exists in {path}.").format(path=root))
        postgres.connect(database).close()  # unreachable: say so before writing anything
        secrets = {**new_secrets(organisation), "database": database,
                   "record_key": new_key()}
        store_id = keystore.create(root, passphrase, secrets)
        try:
            postgres.claim(database, store_id)
        except BaseException:
            for name in (keystore.KEY_FILE, keystore.SECRETS_FILE):
                with contextlib.suppress(OSError):
                    (root / name).unlink()
            raise
        (root / "quarantine").mkdir(mode=0o700, exist_ok=True)
        return cls.open(root, passphrase)

    @classmethod
    def open(cls, root: Path, passphrase: str, *, database: str | None = None,
             max_connections: int = 8,
             on_upgrade: Callable[[], None] | None = None) -> HqStore:
        """Unlock the store in ``root``. ``database``: another address of the same database
        (e.g. with this process's least-privileged role), for a PostgreSQL-backed store.
        ``on_upgrade``: see ``Vault.unlock`` (an embedded store made by an older release)."""
        from . import keystore

        if not keystore.exists(root):
            return cls._embedded(Vault.unlock(
                root, passphrase, shared=True, on_upgrade=on_upgrade,
                kind=lambda role: refuse_field_vault(root, role)))
        with postgres_required():  # before asking the key store: say what is missing
            from . import postgres  # noqa: F401
        return cls._postgres(root, keystore.read(root, passphrase), database, max_connections)

    @classmethod
    def _postgres(cls, root: Path, secrets: dict[str, str], database: str | None,
                  max_connections: int) -> HqStore:
        with postgres_required():
            from .postgres import PostgresRepository

        repo = PostgresRepository(database or secrets["database"], secrets["store_id"],
                                  secrets["record_key"], actor=_actor(),
                                  max_connections=max_connections)
        store = cls(root, secrets, repo)
        store._database = database
        return store

    def reopener(self, max_connections: int = 2) -> Callable[[], HqStore]:
        """Opens this PostgreSQL-backed store again with the keys it holds (no passphrase,
        no key derivation), on connections of its own: for a process this one forks."""
        if self.vault is not None:
            raise UserError(_("Only an HQ store kept in PostgreSQL can be opened by several "
                              "processes at once."))
        return functools.partial(HqStore._postgres, self.root, dict(self._secrets),
                                 self._database, max_connections)

    def close(self) -> None:
        self.repo.close()
        if self.vault is not None:
            self.vault.close()
        self._secrets = {}

    def __enter__(self) -> HqStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def root(self) -> Path:
        return self._root

    @property
    def quarantine_dir(self) -> Path:
        path = self.root / "quarantine"
        path.mkdir(mode=0o700, exist_ok=True)
        return path

    @property
    def others_present(self) -> bool:
        """An embedded store another process (the intake, a colleague) also has open: what
        this one reads is a snapshot that may change under it."""
        return self.vault is not None and self.vault.others_present

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


def _actor() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "hq"


def random_file_name() -> str:
    return os.urandom(16).hex() + ".hrdb"
