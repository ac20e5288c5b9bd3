"""Field side: hrd-field identity show | enroll | export."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.errors import UserError
from ..core.i18n import _, ngettext
from ..core.vocab import RECORD_TYPE
from ..sync.sizes import DEFAULT_MAX_SIZE
from .args import text
from .common import add_vault_options, open_vault
from .io import existing_file, print_json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ident = sub.add_parser("identity", help="this device's signing identity")
    isub = ident.add_subparsers(dest="identity_cmd", required=True, metavar="COMMAND")
    show = isub.add_parser("show", help="print the public key and its fingerprint")
    show.add_argument("--json", action="store_true")
    add_vault_options(show, store=False)
    show.set_defaults(func=cmd_identity_show)

    enroll = sub.add_parser("enroll", help="import the signed HQ profile")
    enroll.add_argument("profile")
    enroll.add_argument("--yes", action="store_true",
                        help="do not ask to confirm the fingerprint (it is still printed)")
    enroll.add_argument("--key-changed", action="store_true",
                        help="with --yes: accept a profile signed by another key than the one "
                             "this laptop is enrolled with")
    add_vault_options(enroll, store=False)
    enroll.set_defaults(func=cmd_enroll)

    sync = sub.add_parser("sync", help="send what is waiting to HQ and collect receipts")
    sync.add_argument("--url", help="intake URL (default: from the HQ profile)")
    sync.add_argument("--no-export", action="store_true",
                      help="only upload what is already in the outbox")
    add_vault_options(sync, store=False)
    sync.set_defaults(func=cmd_sync)

    export = sub.add_parser("export", help="write signed, encrypted bundles for HQ")
    export.add_argument("--out", required=True, metavar="DIR", type=Path)
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help="every record consent allows")
    which.add_argument("--since-last", action="store_true",
                       help="only what changed since the last export")
    export.add_argument("--mission", metavar="ID", type=text)
    export.add_argument("--max-size", type=int, default=DEFAULT_MAX_SIZE, metavar="BYTES")
    export.add_argument("--dry-run", action="store_true", help="only say what would leave")
    add_vault_options(export, store=False)
    export.set_defaults(func=cmd_export)


def cmd_sync(args: argparse.Namespace) -> int:
    from ..sync.client import IntakeClient
    from ..sync.identity import device_key, enrolled_profile
    from ..sync.outbox import sync_once

    with open_vault(args) as v:
        profile = enrolled_profile(v)
        with IntakeClient(profile, device_key(v), args.url) as client:
            report = sync_once(v, client, export_first=not args.no_export)
        waiting = len(v.exports.waiting())
    if report.exported:
        print(ngettext("{n} new bundle put in the outbox.", "{n} new bundles put in the outbox.",
                       report.exported).format(n=report.exported))
    if report.received:
        print(ngettext("HQ confirmed {n} bundle.", "HQ confirmed {n} bundles.",
                       len(report.received)).format(n=len(report.received)))
    if report.purged:
        print(ngettext("{n} record HQ holds was removed from this laptop, as HQ asks.",
                       "{n} records HQ holds were removed from this laptop, as HQ asks.",
                       report.purged).format(n=report.purged))
    for error in report.errors:
        print(error, file=sys.stderr)
    print(ngettext("{n} bundle waits in the outbox.", "{n} bundles wait in the outbox.",
                   waiting).format(n=waiting))
    return 0 if report.ok else 1


def cmd_identity_show(args: argparse.Namespace) -> int:
    from ..sync.identity import device_public_key

    with open_vault(args) as v:
        key = device_public_key(v)
    if args.json:
        print_json({"public_key": key.to_base64(), "key_id": key.key_id_hex,
                    "fingerprint": key.fingerprint()})
    else:
        print(_("Public key: {key}").format(key=key.to_base64()))
        print(_("Fingerprint: {fp}").format(fp=key.fingerprint()))
    return 0


def cmd_enroll(args: argparse.Namespace) -> int:
    from ..bundle.profile import load_profile
    from ..sync.identity import current_profile, enrol, key_changed

    data = existing_file(args.profile).read_bytes()
    profile = load_profile(data)
    with open_vault(args) as v:
        enrolled = current_profile(v)
        changed = enrolled is not None and key_changed(enrolled, profile)
        if args.yes and changed and not args.key_changed:
            raise UserError(_("Not enrolled: this profile is signed by another key than the "
                              "one this laptop trusts (new fingerprint {fp}). After comparing "
                              "it aloud with headquarters, add --key-changed to --yes.").format(
                                  fp=profile.fingerprint))
        print(_("HQ profile of {org}").format(org=profile.organisation))
        print(_("Fingerprint: {fp}").format(fp=profile.fingerprint))
        if enrolled is not None and changed:
            print(_("Warning: this laptop is enrolled with {org} under another key, "
                    "fingerprint {fp}. A profile with a new key is what someone who wants "
                    "to read your bundles would hand you: accept it only if headquarters "
                    "told you, in person or by phone, that their key changed.").format(
                        org=enrolled.organisation, fp=enrolled.fingerprint), file=sys.stderr)
        print(_("Compare it aloud with HQ before accepting."))
        if not args.yes:
            if not sys.stdin.isatty():
                raise UserError(_("Confirm the fingerprint with --yes when not on a terminal."))
            answer = input(_("Does the fingerprint match? Type yes to accept: ")).strip().lower()
            # TRANSLATORS: the word a user types to accept, as in the prompt above
            if answer not in ("y", "yes", _("yes").lower()):
                raise UserError(_("Not enrolled."))
        enrol(v, data)
    print(ngettext("Enrolled: bundles will be encrypted to {n} HQ recipient.",
                   "Enrolled: bundles will be encrypted to {n} HQ recipients.",
                   len(profile.recipients)).format(n=len(profile.recipients)))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from ..core.consent import REASONS
    from ..sync.exporter import plan_export, write_export

    with open_vault(args) as v:
        plan = plan_export(v, since_last=args.since_last, mission_id=args.mission)
        for code, n in sorted(plan.by_type.items()):
            print(_("  {type}: {n}").format(type=RECORD_TYPE.label(code), n=n))
        if plan.tombstones:
            print(_("  deletions: {n}").format(n=plan.tombstones))
        for reason, n in sorted(plan.kept_back.items()):
            print(ngettext("  kept on this laptop: {n} record — {why}",
                           "  kept on this laptop: {n} records — {why}", n).format(
                n=n, why=_(REASONS.get(reason, reason))))
        if plan.redacted:
            print(ngettext("  names and contacts removed from {n} record (no consent to share "
                           "identity)", "  names and contacts removed from {n} records (no "
                           "consent to share identity)", plan.redacted).format(n=plan.redacted))
        print(_("  attachments: {mib:.1f} MiB").format(mib=plan.attachment_bytes / 2**20))
        if plan.empty:
            print(_("Nothing to export."))
            return 0
        if args.dry_run:
            return 0
        bundles = write_export(v, plan, args.out, max_size=args.max_size)
    for bundle in bundles:
        print(_("Wrote {file} (sequence {seq}, {kib} KiB).").format(
            file=bundle.path, seq=bundle.manifest.sequence, kib=bundle.size // 1024))
    return 0
