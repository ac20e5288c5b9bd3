"""hrd-field vault init | check | passwd | wipe."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.errors import UserError
from ..core.i18n import _, ngettext
from .common import add_vault_options, expected_kind, open_vault, say_upgrading, vault_dir
from .io import passphrase, read_secret_file


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("vault", help="create, check, re-key or erase a vault")
    vsub = p.add_subparsers(dest="vault_cmd", required=True, metavar="COMMAND")

    init = vsub.add_parser("init", help="create a new, empty vault")
    add_vault_options(init, store=False)
    init.add_argument("--name", help="your name as recorded in the audit log")
    init.set_defaults(func=cmd_init)

    check = vsub.add_parser("check", help="check the vault's integrity")
    add_vault_options(check)
    check.set_defaults(func=cmd_check)

    salvage = vsub.add_parser(
        "salvage", help="copy every record and attachment that can still be read from a "
                        "damaged vault into a new vault")
    add_vault_options(salvage)
    salvage.add_argument("--out", required=True, type=Path, metavar="NEW_VAULT",
                         help="folder for the new vault (must not hold a vault)")
    salvage.set_defaults(func=cmd_salvage)

    passwd = vsub.add_parser("passwd", help="change the passphrase")
    add_vault_options(passwd)
    passwd.add_argument("--new-passphrase-file", metavar="FILE")
    passwd.set_defaults(func=cmd_passwd)

    rkey = vsub.add_parser("recovery-key",
                           help="let HQ's recovery key reopen this vault if the passphrase "
                                "is forgotten")
    add_vault_options(rkey, store=False)
    rkey.add_argument("--recipient", required=True, help="HQ's age recipient (age1…)")
    rkey.set_defaults(func=cmd_recovery_key)

    recover = vsub.add_parser("recover",
                              help="open the vault with HQ's recovery identity, set a new "
                                   "passphrase")
    add_vault_options(recover, store=False)
    recover.add_argument("--identity-file", required=True, metavar="FILE",
                         help="file holding HQ's AGE-SECRET-KEY-1… recovery identity")
    recover.add_argument("--new-passphrase-file", metavar="FILE")
    recover.set_defaults(func=cmd_recover)

    wipe = vsub.add_parser("wipe", help="crypto-erase the vault (irreversible)")
    add_vault_options(wipe)
    wipe.add_argument("--yes", action="store_true", help="confirm the erase")
    wipe.set_defaults(func=cmd_wipe)


def cmd_init(args: argparse.Namespace) -> int:
    from ..vault.vault import Vault

    root = vault_dir(args)
    secret = passphrase(args, confirm=True, prompt=_("New passphrase: "))
    with Vault.create(root, secret, actor=args.name) as v:
        print(_("Vault created in {path}.").format(path=v.paths.root))
    print(_("Keep the passphrase safe: without it (or a recovery slot) the data cannot be "
            "recovered."), file=sys.stderr)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from ..vault.vault import Vault, require_vault

    root = vault_dir(args)
    require_vault(root)
    # Opened for inspection: a damaged vault opens too, and nothing is written to it.
    with Vault.unlock(root, passphrase(args), inspect=True) as v:
        report = v.check()
    if report.ok:
        print(_("The vault is intact."))
        return 0
    for problem in report.problems:
        # SQLite's own report can run to hundreds of lines: one line per problem.
        flat = "; ".join(part.strip() for part in problem.splitlines() if part.strip())
        print(flat if len(flat) <= 300 else flat[:299] + "…", file=sys.stderr)
    raise UserError(ngettext("The integrity check found {n} problem.",
                             "The integrity check found {n} problems.",
                             len(report.problems)).format(n=len(report.problems)))


def cmd_salvage(args: argparse.Namespace) -> int:
    from ..vault.salvage import salvage
    from ..vault.vault import Vault, require_vault

    root = vault_dir(args)
    out = Path(args.out)
    if out.resolve() == root.resolve():
        raise UserError(_("--out must be a new folder, not the damaged vault itself."))
    require_vault(root)
    secret = passphrase(args)
    with Vault.unlock(root, secret, inspect=True) as v:
        report = salvage(v, out, secret)
    for rid in report.unreadable_records:
        print(_("could not read record {id}").format(id=rid), file=sys.stderr)
    for sha in report.unreadable_attachments:
        print(_("could not read attachment {sha}").format(sha=sha), file=sys.stderr)
    print(ngettext("{n} record copied into {path}.", "{n} records copied into {path}.",
                   report.records).format(n=report.records, path=out))
    print(ngettext("{n} attachment copied.", "{n} attachments copied.",
                   report.attachments).format(n=report.attachments))
    if not report.same_device:
        print(_("The new vault signs as a new device: HQ must register its key before it "
                "accepts the vault's next export."))
    lost = len(report.unreadable_records) + len(report.unreadable_attachments)
    if lost:
        raise UserError(ngettext("{n} item could not be read; the damaged vault was left as "
                                 "it is.", "{n} items could not be read; the damaged vault "
                                 "was left as it is.", lost).format(n=lost))
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    with open_vault(args) as v:
        new = passphrase(args, confirm=True, prompt=_("New passphrase: "),
                         file_attr="new_passphrase_file")
        v.change_passphrase(new)
    print(_("Passphrase changed."))
    return 0


def cmd_recovery_key(args: argparse.Namespace) -> int:
    with open_vault(args) as v:
        v.set_recovery_recipient(args.recipient.strip())
    print(_("Recovery slot set: HQ's recovery identity can now reopen this vault."))
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    from ..vault.vault import Vault

    identity = read_secret_file(args.identity_file)
    new = passphrase(args, confirm=True, prompt=_("New passphrase: "),
                     file_attr="new_passphrase_file")
    root = vault_dir(args)
    with Vault.unlock_with_recovery(root, identity, new, on_upgrade=say_upgrading,
                                    kind=expected_kind(args, root)):
        pass
    print(_("The vault is open again with the new passphrase."))
    return 0


def cmd_wipe(args: argparse.Namespace) -> int:
    from ..vault import vault as vault_mod

    if not args.yes:
        raise UserError(_("Erasing destroys every record for good: add --yes to confirm."))
    root = vault_dir(args)
    vault_mod.wipe(root)
    print(_("The vault in {path} was erased.").format(path=root))
    return 0
