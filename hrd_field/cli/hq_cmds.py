"""HQ side: hrd-field hq init | profile | device … | import | gaps."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..bundle.minisign import PublicKey
from ..bundle.profile import Policy
from ..core.errors import UserError
from ..core.i18n import _, ngettext
from ..hq import import_many
from ..hq.importer import ImportOutcome
from ..hq.interchange import FORMATS, export, live_records
from ..hq.store import HqStore
from ..vault.fsutil import atomic_write
from . import args as args_mod
from . import casework_cmds, report_cmds
from .common import note_snapshot, say_upgrading
from .io import passphrase, print_json


def add_store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", metavar="DIR", type=Path, required=True,
                        help="the HQ store directory")
    parser.add_argument("--passphrase-file", metavar="FILE")
    parser.add_argument("--database", metavar="URL", default=None,
                        help="PostgreSQL store: connect with this address (e.g. this "
                             "process's own role) instead of the one given at init")


def open_store(args: argparse.Namespace) -> HqStore:
    store = HqStore.open(args.store, passphrase(args), database=args.database,
                         on_upgrade=say_upgrading)
    note_snapshot(store)
    return store


def register(hq: argparse.ArgumentParser) -> None:
    """The ``hq`` subcommands, added to the ``hq`` parser when it is used (cli.main)."""
    hsub = hq.add_subparsers(dest="hq_cmd", required=True, metavar="COMMAND")

    init = hsub.add_parser("init", help="create the HQ store and HQ keys")
    add_store_options(init)
    init.add_argument("--organisation", default="HQ")
    init.set_defaults(func=cmd_init)

    pw = hsub.add_parser("passwd", help="change the HQ store passphrase (embedded or "
                                        "PostgreSQL: the keys are in DIR)")
    pw.add_argument("--store", metavar="DIR", type=Path, required=True,
                    help="the HQ store directory")
    pw.add_argument("--passphrase-file", metavar="FILE")
    pw.add_argument("--new-passphrase-file", metavar="FILE")
    pw.set_defaults(func=cmd_passwd)

    prof = hsub.add_parser("profile", help="write the signed profile devices enrol with")
    add_store_options(prof)
    prof.add_argument("--out", required=True, type=Path)
    prof.add_argument("--url", default="", help="intake URL for sync")
    prof.add_argument("--tls-cert", type=Path, help="intake certificate to pin (PEM)")
    prof.add_argument("--autolock-minutes", type=int, default=5)
    prof.add_argument("--delete-after-receipt", action="store_true")
    prof.set_defaults(func=cmd_profile)

    dev = hsub.add_parser("device", help="register, list or revoke field devices")
    dsub = dev.add_subparsers(dest="device_cmd", required=True, metavar="COMMAND")
    add = dsub.add_parser("add", help="register a device by its public key")
    add.add_argument("public_key")
    add.add_argument("--name", required=True)
    add_store_options(add)
    add.set_defaults(func=cmd_device_add)
    lst = dsub.add_parser("list", help="list registered devices")
    lst.add_argument("--json", action="store_true")
    add_store_options(lst)
    lst.set_defaults(func=cmd_device_list)
    rev = dsub.add_parser("revoke", help="stop accepting bundles from a device")
    rev.add_argument("name")
    rev.add_argument("--after-seq", type=int, default=None,
                     help="still accept bundles up to this sequence number")
    add_store_options(rev)
    rev.set_defaults(func=cmd_device_revoke)

    share = dsub.add_parser("share", help="let devices send versions of each other's "
                                          "records of one mission")
    share.add_argument("mission_id", metavar="MISSION_ID")
    share.add_argument("names", nargs="*", metavar="NAME")
    share.add_argument("--remove", action="store_true",
                       help="stop sharing the mission with these devices")
    share.add_argument("--json", action="store_true")
    add_store_options(share)
    share.set_defaults(func=cmd_device_share)

    imp = hsub.add_parser("import", help="verify and import bundles")
    imp.add_argument("files", nargs="+", metavar="FILE", type=Path)
    imp.add_argument("--json", action="store_true")
    imp.add_argument("--after-revocation", action="store_true",
                     help="import bundles of a revoked device at or below its cut that HQ "
                          "cannot vouch for (only after checking where they came from)")
    imp.add_argument("--jobs", type=args_mod.bounded_int(1, import_many.MAX_JOBS), default=None,
                     metavar="N", help="bundles imported at once (PostgreSQL-backed stores; "
                                       "default: one per core)")
    add_store_options(imp)
    imp.set_defaults(func=cmd_import)

    exp = hsub.add_parser("export", help="write received records for Uwazi (CSV and ZIP), "
                          "as CSV or as JSON Lines")
    add_store_options(exp)
    exp.add_argument("--format", required=True, choices=FORMATS)
    exp.add_argument("--out", required=True, type=Path,
                     help="a folder (uwazi, csv) or a file (jsonl)")
    exp.add_argument("--type", action="append", dest="types", metavar="TYPE",
                     help="only this record type (repeatable)")
    exp.add_argument("--with-identity", action="store_true",
                     help="include names and contacts where consent allows it")
    exp.set_defaults(func=cmd_export)

    ident = hsub.add_parser("export-identity",
                            help="write HQ's age identity to a file (to open bundles with age)")
    add_store_options(ident)
    ident.add_argument("--out", required=True, type=Path)
    ident.set_defaults(func=cmd_export_identity)

    serve = hsub.add_parser("serve", help="run the intake service devices sync with")
    add_store_options(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=args_mod.port, default=8443)
    serve.add_argument("--url", help="the public URL devices use (default: from host/port)")
    serve.add_argument("--tls-cert", type=Path)
    serve.add_argument("--tls-key", type=Path)
    serve.add_argument("--max-upload", type=args_mod.bounded_int(1 << 10, 1 << 40),
                       default=64 << 20, metavar="BYTES")
    serve.add_argument("--workers", type=args_mod.bounded_int(1, 64), default=1, metavar="N",
                       help="intake processes (PostgreSQL-backed stores only)")
    serve.add_argument("--rate-burst", type=args_mod.bounded_int(1, 1_000_000), default=60,
                       metavar="N", help="requests a device may send at once (default 60)")
    serve.add_argument("--rate-per-minute", type=args_mod.bounded_int(1, 1_000_000),
                       default=120, metavar="N",
                       help="requests a device may send per minute after its burst "
                            "(default 120), counted across all workers")
    serve.set_defaults(func=cmd_serve)

    back = hsub.add_parser("backup", help="copy the HQ store while it is in use "
                                          "(pg_dump for PostgreSQL)")
    add_store_options(back)
    back.add_argument("--out", required=True, type=Path, metavar="DIR",
                      help="a new directory for the backup")
    back.set_defaults(func=cmd_backup)

    rest = hsub.add_parser("restore", help="make a new HQ store from a backup")
    rest.add_argument("backup", type=Path, metavar="BACKUP_DIR")
    add_store_options(rest)
    rest.set_defaults(func=cmd_restore)

    roles = hsub.add_parser("db-roles", help="print the SQL that creates the least-privileged "
                                             "PostgreSQL roles (intake, analyst)")
    roles.set_defaults(func=cmd_db_roles)

    alarms = hsub.add_parser("alarms", help="list alarms (e.g. a device that equivocated)")
    alarms.add_argument("--json", action="store_true")
    add_store_options(alarms)
    alarms.set_defaults(func=cmd_alarms)

    quar = hsub.add_parser("quarantine", help="list the bundles kept in quarantine and why")
    quar.add_argument("--json", action="store_true")
    add_store_options(quar)
    quar.set_defaults(func=cmd_quarantine)

    gaps = hsub.add_parser("gaps", help="list missing sequence numbers per device")
    gaps.add_argument("--json", action="store_true")
    add_store_options(gaps)
    gaps.set_defaults(func=cmd_gaps)

    casework_cmds.register_hq(hsub, add_store_options)
    report_cmds.register(hsub, add_store_options)


def cmd_init(args: argparse.Namespace) -> int:
    secret = passphrase(args, confirm=True, prompt=_("New HQ store passphrase: "))
    with HqStore.init(args.store, secret, args.organisation,
                      database=args.database) as store:
        key = store.signing_key().public_key()
    print(_("HQ store created in {path}.").format(path=args.store))
    print(_("HQ key fingerprint: {fp}").format(fp=key.fingerprint()))
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    """The old passphrase is checked before the new one is asked for."""
    from ..hq import keystore

    old = passphrase(args)
    if keystore.exists(args.store):  # PostgreSQL-backed: only the key file in DIR changes
        keystore.check_passphrase(args.store, old)
        new = _new_passphrase(args)
        keystore.change_passphrase(args.store, old, new)
    else:
        with HqStore.open(args.store, old, on_upgrade=say_upgrading) as store:
            assert store.vault is not None
            store.vault.change_passphrase(_new_passphrase(args))
    print(_("HQ store passphrase changed. Copies of the store directory on other machines "
            "and earlier backups still open with the old passphrase: replace their {file} "
            "with this one.").format(
        file=keystore.KEY_FILE if keystore.exists(args.store) else "vault.key"))
    return 0


def _new_passphrase(args: argparse.Namespace) -> str:
    return passphrase(args, confirm=True, prompt=_("New HQ store passphrase: "),
                      file_attr="new_passphrase_file")


def cmd_profile(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        profile = store.profile(intake_url=args.url, tls_cert=args.tls_cert,
                                policy=Policy(args.autolock_minutes, args.delete_after_receipt))
        data = profile.sign(store.signing_key())
    atomic_write(args.out, data)
    print(_("Profile written to {path}. Fingerprint: {fp}").format(
        path=args.out, fp=profile.fingerprint))
    return 0


def cmd_device_add(args: argparse.Namespace) -> int:
    try:
        key = PublicKey.from_base64(args.public_key.strip())
    except Exception as exc:
        raise UserError(_("Not a device public key (expected the base64 line that "
                          "'hrd-field identity show' prints).")) from exc
    with open_store(args) as store:
        store.repo.add_device(args.name, key.to_base64())
    print(_("Device {name} registered (fingerprint {fp}).").format(
        name=args.name, fp=key.fingerprint()))
    return 0


def cmd_device_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        devices = store.repo.devices()
    if args.json:
        print_json([{"name": d.name, "public_key": d.public_key, "status": d.status,
                     "revoked_after_seq": d.revoked_after_seq,
                     "fingerprint": PublicKey.from_base64(d.public_key).fingerprint()}
                    for d in devices])
        return 0
    for d in devices:
        fp = PublicKey.from_base64(d.public_key).fingerprint()
        extra = "" if d.status == "active" else _(" (revoked after {n})").format(
            n=d.revoked_after_seq if d.revoked_after_seq is not None else 0)
        print(f"{d.name}  {fp}  {d.status}{extra}")
    return 0


def cmd_device_revoke(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        store.repo.revoke_device(args.name, args.after_seq)
    print(_("Device {name} revoked.").format(name=args.name))
    return 0


def cmd_device_share(args: argparse.Namespace) -> int:
    """With names: change the mission's sharers; always: list who shares what."""
    with open_store(args) as store:
        if args.names:
            store.repo.share_mission(args.mission_id, args.names, remove=args.remove)
        shares = [(m, d) for m, d in store.repo.shares() if m == args.mission_id]
    if args.json:
        print_json([d for _m, d in shares])
        return 0
    if shares:
        print(_("Mission {id} is shared by: {names}").format(
            id=args.mission_id, names=", ".join(d for _m, d in shares)))
    else:
        print(_("Mission {id} is not shared: each record stays with the device that sent it "
                "first.").format(id=args.mission_id))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    worst = 0
    paths = []
    for path in args.files:
        if path.is_file():
            paths.append(path)
        else:
            print(_("{file}: not found").format(file=path), file=sys.stderr)
            worst = 1
    results: list[dict[str, object] | None] = [None] * len(paths)

    def show(n: int, outcome: ImportOutcome) -> None:
        nonlocal worst
        results[n] = {"file": str(paths[n]), "message": outcome.message, **outcome.summary()}
        if not args.json:
            print(f"{paths[n].name}: {outcome.message}",
                  file=sys.stdout if outcome.exit_code == 0 else sys.stderr, flush=True)
        worst = max(worst, outcome.exit_code)

    with open_store(args) as store:
        jobs = _import_jobs(args.jobs, store, len(paths))
        planned = import_many.plan(store.identities(), paths)
        if jobs == 1:
            for n, outcome in import_many.import_in_turn(
                    store, planned, after_revocation=args.after_revocation):
                show(n, outcome)
        else:
            reopen = store.reopener()
    if jobs > 1:  # the workers open the store on their own connections; this one is closed
        for n, outcome in import_many.import_at_once(
                reopen, planned, jobs, after_revocation=args.after_revocation):
            show(n, outcome)
    if args.json:
        print_json([r for r in results if r is not None])
    return worst


def _import_jobs(asked: int | None, store: HqStore, files: int) -> int:
    if store.backend == "postgresql":
        return min(asked or import_many.default_jobs(files), max(files, 1))
    if asked is not None and asked > 1:
        raise UserError(_("Importing several bundles at once needs an HQ store kept in "
                          "PostgreSQL; the embedded store imports them one after another "
                          "(leave out --jobs)."))
    return 1


def cmd_export(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        repo = store.repo
        summary = export(
            lambda t: live_records(repo, t), args.out, args.format, types=args.types,
            with_identity=args.with_identity, open_file=repo.open_attachment,
            has_file=lambda sha: repo.attachment_size(sha) is not None)
    total = sum(summary.records.values())
    print(ngettext("Exported {n} record to {path}.", "Exported {n} records to {path}.",
                   total).format(n=total, path=args.out))
    return 0


def cmd_export_identity(args: argparse.Namespace) -> int:
    if args.out.exists():
        raise UserError(_("{path} exists; choose another file.").format(path=args.out))
    with open_store(args) as store:
        identity = store.identities()[0]
    atomic_write(args.out, (identity + "\n").encode("ascii"))
    print(_("HQ's secret key (age identity) written to {path} (mode 0600). Whoever holds this "
            "file can open every bundle: keep it on an encrypted disk and delete it after "
            "use.").format(
        path=args.out), file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from ..hq.intake import RateLimit, serve, serve_workers

    if bool(args.tls_cert) != bool(args.tls_key):
        raise UserError(_("Give both --tls-cert and --tls-key, or neither."))
    # Everything that can be wrong is checked before the store opens and the start message.
    if args.tls_cert:
        args_mod.check_tls(args.tls_cert, args.tls_key)
    scheme = "https" if args.tls_cert else "http"
    banner = _("Serving the intake at {url} (Ctrl+C to stop).").format(
        url=args.url or f"{scheme}://{args.host}:{args.port}")
    rate = RateLimit(float(args.rate_burst), args.rate_per_minute / 60)
    sock = args_mod.listen(args.host, args.port)
    try:
        if args.workers == 1:
            with open_store(args) as store:
                print(banner, flush=True)
                _wire_language()
                serve(store, args.host, args.port, base_url=args.url, tls_cert=args.tls_cert,
                      tls_key=args.tls_key, max_upload=args.max_upload, sock=sock, rate=rate)
            return 0
        secret = passphrase(args)
        # Checked once here (passphrase, database, schema) before any worker starts.
        with HqStore.open(args.store, secret, database=args.database,
                          on_upgrade=say_upgrading) as store:
            if store.backend != "postgresql":
                raise UserError(_("Several intake workers need an HQ store kept in "
                                  "PostgreSQL; the embedded store serves one."))
        print(banner, flush=True)
        _wire_language()
        serve_workers(lambda: HqStore.open(args.store, secret, database=args.database),
                      args.workers, args.host, args.port, base_url=args.url,
                      tls_cert=args.tls_cert, tls_key=args.tls_key,
                      max_upload=args.max_upload, sock=sock, rate=rate)
    finally:
        sock.close()
    return 0


def _wire_language() -> None:
    """What the intake answers goes to devices working in any language, whatever the
    language of the person who started it: English, as the HTTP API documents it."""
    from ..core.i18n import set_language

    set_language("en")


def cmd_alarms(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        alarms = store.repo.alarms()
        names = {d.public_key: d.name for d in store.repo.devices()}
    rows = [{"at": at, "kind": kind, "device": names.get(key, key), "sequence": seq,
             "detail": detail} for at, kind, key, seq, detail in alarms]
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        print(_("{at}  {kind}  device {device}, sequence {sequence}: {detail}").format(**row))
    if not rows:
        print(_("No alarms."))
    return 0


def cmd_quarantine(args: argparse.Namespace) -> int:
    from ..hq.rules import QUARANTINE_DECISIONS

    with open_store(args) as store:
        kept = store.repo.quarantine_log()
        folder = store.quarantine_dir
    if args.json:
        print_json([{"file": str(folder / q.file_name), "sender": q.sender,
                     "reason": q.reason, "received_at": q.received_at} for q in kept])
        return 0
    for q in kept:
        print(_("{at}  {file}  from {sender}: {decision}").format(
            at=q.received_at, file=folder / q.file_name,
            sender=q.sender or _("an import by hand"),
            decision=_(QUARANTINE_DECISIONS.get(q.reason, q.reason))))
    if not kept:
        print(_("No bundle is in quarantine."))
    return 0


def cmd_gaps(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        gaps = store.repo.gaps()
    if args.json:
        print_json({name: [list(r) for r in ranges] for name, ranges in gaps.items()})
        return 0
    for name, ranges in gaps.items():
        text = ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in ranges) \
            if ranges else _("none")
        print(_("{device}: missing {seqs}").format(device=name, seqs=text))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from ..hq.backup import backup

    with open_store(args) as store:
        backup(store, args.out)
    print(_("Backup written to {path}. It opens only with the HQ passphrase; keep it on an "
            "encrypted disk.").format(path=args.out))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from ..hq.backup import restore

    with restore(args.backup, args.store, passphrase(args), database=args.database) as store:
        devices = len(store.repo.devices())
        records = store.repo.counts()["records"]
    print(_("HQ store restored in {path}: {records} records, {devices} devices.").format(
        path=args.store, records=records, devices=devices))
    return 0


def cmd_db_roles(args: argparse.Namespace) -> int:
    from ..hq.pg_schema import ROLES_SQL

    sys.stdout.write(ROLES_SQL)
    return 0
