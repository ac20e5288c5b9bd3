"""Intake benchmark: many field devices uploading to ``hrd-field hq serve`` at once, against
importing the very same bundles with ``hrd-field hq import``, in one run.

    python bench/intake.py [--quick] [--devices N] [--bundles N] [--records N]
                           [--big-mib M] [--big-bundles K] [--tmpdir DIR] [--keep]

D devices (real vaults with demo records, enrolled with one HQ profile, registered in one HQ
store) each export B bundles of R records with the real exporter; all D×B uploads start at
once (one thread and one ``IntakeClient`` each, the product's upload client) against
``hrd-field hq serve`` on 127.0.0.1; every receipt is verified as a device does. Then the
same bundles go into an identical fresh store with ``hrd-field hq import``. Two variants
with the same shape: K of the D×B bundles carry a recording (an attachment) of 1 MiB in
"small" and of M MiB in "large"; the rest carry records only. The server's peak RSS must
not follow the size of what it receives (it streams bodies to its spool and attachments
into the store): the two variants differ only in that size.

Loopback only; every loop is bounded; the server is always stopped. Progress goes to
stderr, the table to stdout; each target prints PASS or FAIL and the exit status is 0
unless the script itself crashes. Vaults and stores use the fast test KDF (their
parameters are stored per slot): unlocking is not what is measured here, and Argon2id's
working memory would otherwise set the server's peak RSS.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from benchkit import quantile, verdict

os.environ["HRD_FIELD_TEST_FAST_KDF"] = "1"  # read at each key derivation, here and below

import httpx

from hrd_field.bundle.minisign import PublicKey, SigningKey
from hrd_field.bundle.profile import HqProfile, load_profile
from hrd_field.bundle.receipt import load_receipt
from hrd_field.core.records import Consent, ConsentScope, Consultation
from hrd_field.demo import demo_batch
from hrd_field.hq.store import HqStore
from hrd_field.sync.client import IntakeClient
from hrd_field.sync.exporter import ExportPlan, plan_export, write_export
from hrd_field.sync.identity import device_key, enrol
from hrd_field.vault.vault import Vault

PASSPHRASE = "benchmark passphrase, not a secret"
HOST = "127.0.0.1"
READY_DEADLINE_S = 60.0
UPLOAD_DEADLINE_S = 600.0
EXPORTABLE_SHARE = 0.4  # demo records that consent lets leave (0.55–0.75): ask for more

# Targets
MAX_SLOWDOWN = 2.0  # intake wall time ÷ direct import wall time
RSS_GROWTH_MAX_MIB = 16.0  # server peak RSS, large variant minus small variant
SMALL_RECORDING_MIB = 1.0

START = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - START:6.1f} s] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def proc_status(pid: int | str, field_name: str) -> int:
    """A ``/proc/<pid>/status`` field in KiB (VmHWM, VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field_name}")


# -- the field side ---------------------------------------------------------------------------


@dataclass
class Bundle:
    device: int
    path: Path
    seq: int
    bundle_id: str
    size: int
    versions: list[tuple[str, int]]
    attachment_bytes: int = 0


@dataclass
class Device:
    index: int
    key: SigningKey
    profile: HqProfile
    vault_dir: Path


def export_round(vault: Vault, out_dir: Path, bundles: int, per_bundle: int,
                 device: int) -> list[Bundle]:
    """What changed since the last export, cut into ``bundles`` bundles of ``per_bundle``
    records, each written by the product's exporter."""
    plan = plan_export(vault, since_last=True)
    # Keep the one item with a file (if any) and fill up with records to the exact count.
    with_file = [i for i in plan.items if i.attachments]
    rest = [i for i in plan.items if not i.attachments]
    items = with_file + rest[: bundles * per_bundle - len(with_file)]
    if len(items) < bundles * per_bundle:
        raise RuntimeError(f"only {len(items)} exportable records, need {bundles * per_bundle}")
    out: list[Bundle] = []
    for b in range(bundles):
        chunk = items[b * per_bundle:(b + 1) * per_bundle]
        [written] = write_export(vault, ExportPlan(items=chunk), out_dir, max_size=64 << 20)
        out.append(Bundle(device, written.path, written.manifest.sequence,
                          written.manifest.bundle_id, written.size,
                          [(i.record_id, i.version) for i in chunk],
                          sum(size for i in chunk for _sha, size in i.attachments)))
    return out


def make_devices(root: Path, profile_bytes: bytes, count: int) -> list[Device]:
    devices = []
    profile = load_profile(profile_bytes)
    for i in range(count):
        vault_dir = root / f"device-{i:03d}"
        with Vault.create(vault_dir, PASSPHRASE) as vault:
            enrol(vault, profile_bytes)
            devices.append(Device(i, device_key(vault), profile, vault_dir))
    return devices


def fill(devices: list[Device], out_dir: Path, *, bundles: int, per_bundle: int,
         seed: int, recording_mib: float, recordings: int) -> list[Bundle]:
    """One export round on every device: new demo records (and, on ``recordings`` of the
    devices, one recorded consultation of ``recording_mib`` MiB) cut into bundles."""
    made: list[Bundle] = []
    want = math.ceil(bundles * per_bundle / EXPORTABLE_SHARE)
    for device in devices:
        with Vault.unlock(device.vault_dir, PASSPHRASE) as vault:
            vault.records.create_many(demo_batch(want, seed=seed * 100_003 + device.index))
            if device.index < recordings:
                record = vault.records.create(Consultation(
                    summary="recorded group session", date="2025-02-11", status="final",
                    consent=Consent(obtained=True, method="verbal", date="2025-02-01",
                                    scope=ConsentScope(share_with_hq=True,
                                                       share_identity_with_hq=True))))
                path = out_dir / f"recording-{device.index}.bin"
                out_dir.mkdir(parents=True, exist_ok=True)
                with open(path, "wb") as fh:
                    left = int(recording_mib * (1 << 20))
                    while left:
                        n = min(left, 1 << 20)
                        fh.write(os.urandom(n))
                        left -= n
                with open(path, "rb") as fh:
                    vault.add_attachment(record.id, fh, filename="session.ogg",
                                         media_type="audio/ogg")
                path.unlink()
            made += export_round(vault, out_dir / f"device-{device.index:03d}", bundles,
                                 per_bundle, device.index)
    return made


# -- the HQ side ---------------------------------------------------------------------------------


def cli_env() -> dict[str, str]:
    env = {**os.environ, "HRD_FIELD_TEST_FAST_KDF": "1"}
    env.pop("HRD_FIELD_VAULT", None)
    return env


class Server:
    def __init__(self, store: Path, passfile: Path, port: int, log_path: Path):
        self.url = f"http://{HOST}:{port}"
        self._log = open(log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hrd_field", "hq", "serve", "--store", str(store),
             "--passphrase-file", str(passfile), "--host", HOST, "--port", str(port)],
            stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env=cli_env())
        deadline = time.monotonic() + READY_DEADLINE_S
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"hq serve exited: {log_path.read_text()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + "/v1/health", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("hq serve did not become ready")
            time.sleep(0.05)

    def reset_peak(self) -> None:
        """Start VmHWM afresh (the unlock and imports before are not the uploads)."""
        with contextlib.suppress(OSError):
            Path(f"/proc/{self.proc.pid}/clear_refs").write_text("5")

    def stop(self) -> None:
        # SIGINT (Ctrl+C) closes the store cleanly; SIGTERM currently does not (see
        # tests/sync/test_sync_faults.py::test_sigterm_stops_hq_and_locks_the_store).
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(30)
        self._log.close()


@dataclass
class Run:
    name: str
    wall_s: float
    bundles: int
    records: int
    mib: float
    latencies: list[float] = field(default_factory=list)
    peak_rss_mib: float = 0.0
    base_rss_mib: float = 0.0
    errors: list[str] = field(default_factory=list)


def upload_all(server: Server, devices: list[Device], bundles: list[Bundle],
               hq_key: PublicKey) -> Run:
    clients = [IntakeClient(devices[b.device].profile, devices[b.device].key, server.url,
                            timeout=300) for b in bundles]
    latencies: list[float] = [0.0] * len(bundles)
    errors: list[str] = []
    gate = threading.Barrier(len(bundles) + 1, timeout=60)

    def one(i: int) -> None:
        bundle, client = bundles[i], clients[i]
        gate.wait()
        t0 = time.perf_counter()
        try:
            body = client.upload(bundle.path)
            latencies[i] = time.perf_counter() - t0
            receipt = load_receipt(body, hq_key)
            if (receipt.bundle_id, receipt.sequence, receipt.device_key) != (
                    bundle.bundle_id, bundle.seq, devices[bundle.device].key.public_key()
                    .to_base64()) or set(receipt.accepted) != set(bundle.versions):
                errors.append(f"bundle {bundle.bundle_id}: receipt does not match")
        except Exception as exc:  # counted and reported, never hidden
            latencies[i] = time.perf_counter() - t0
            errors.append(f"bundle {bundle.bundle_id}: {type(exc).__name__}: {exc}")

    try:
        with ThreadPoolExecutor(max_workers=len(bundles)) as pool:
            futures = [pool.submit(one, i) for i in range(len(bundles))]
            gate.wait()
            t0 = time.perf_counter()
            for f in futures:
                f.result(timeout=UPLOAD_DEADLINE_S)
            wall = time.perf_counter() - t0
    finally:
        for client in clients:
            client.close()
    run = Run("intake", wall, len(bundles), sum(len(b.versions) for b in bundles),
              sum(b.size for b in bundles) / 2**20, latencies)
    run.errors = errors
    return run


HWM_WRAPPER = (
    "import atexit, sys\n"
    "def _hwm():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmHWM:'):\n"
    "            print('VMHWM', line.split()[1], file=sys.stderr)\n"
    "atexit.register(_hwm)\n"
    "from hrd_field.app import main\n"
    "sys.exit(main(sys.argv[1:]))\n")


def import_directly(store: Path, passfile: Path, bundles: list[Bundle]) -> Run:
    argv = [sys.executable, "-c", HWM_WRAPPER, "hq", "import", "--store", str(store),
            "--passphrase-file", str(passfile), "--json", *(str(b.path) for b in bundles)]
    t0 = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, env=cli_env(), timeout=1800, check=False)
    wall = time.perf_counter() - t0
    run = Run("direct", wall, len(bundles), sum(len(b.versions) for b in bundles),
              sum(b.size for b in bundles) / 2**20)
    err = proc.stderr.decode("utf-8", "replace")
    for line in err.splitlines():
        if line.startswith("VMHWM "):
            run.peak_rss_mib = int(line.split()[1]) / 1024
    if proc.returncode != 0:
        run.errors.append(f"hq import exit {proc.returncode}: {err[-500:]}")
    return run


def check_store(store_dir: Path, bundles: list[Bundle], devices: list[Device]) -> list[str]:
    """Every bundle exactly once, every (record, version) present, nothing else."""
    problems: list[str] = []
    keys = {d.index: d.key.public_key().to_base64() for d in devices}
    expected_bundles = {(keys[b.device], b.seq) for b in bundles}
    expected_versions = {v for b in bundles for v in b.versions}
    with HqStore.open(store_dir, PASSPHRASE) as store:
        db = store.vault.db
        rows = db.query("SELECT device_key, seq FROM hq_bundles")
        got = [(str(k), int(s)) for k, s in rows]
        if len(got) != len(set(got)):
            problems.append(f"{len(got) - len(set(got))} bundles imported twice")
        if set(got) != expected_bundles:
            problems.append(f"bundles: {len(expected_bundles - set(got))} missing, "
                            f"{len(set(got) - expected_bundles)} unexpected")
        versions = [(str(r), int(v)) for r, v in db.query(
            "SELECT record_id, version FROM hq_versions")]
        if len(versions) != len(set(versions)):
            problems.append("record versions stored twice")
        if set(versions) != expected_versions:
            problems.append(f"records: {len(expected_versions - set(versions))} missing, "
                            f"{len(set(versions) - expected_versions)} unexpected")
        ids = {str(r[0]) for r in db.query("SELECT id FROM records WHERE deleted = 0")}
        if ids != {r for r, _v in expected_versions}:
            problems.append("the records table differs from what was sent")
        files = int(db.query("SELECT count(*) FROM attachments")[0][0])
        if files != sum(1 for b in bundles if b.attachment_bytes):
            problems.append(f"{files} attachments stored")
        if not store.vault.check().ok:
            problems.append("integrity check failed")
    return problems


def same_content(a: Path, b: Path) -> bool:
    def content(path: Path) -> tuple[list[tuple[str, int, str]], list[tuple[str, int]]]:
        with HqStore.open(path, PASSPHRASE) as store:
            db = store.vault.db
            records = sorted((str(r[0]), int(r[1]), str(r[2])) for r in db.query(
                "SELECT id, version, body FROM records"))
            files = sorted((str(r[0]), int(r[1])) for r in db.query(
                "SELECT sha256, size FROM attachments"))
        return records, files

    return content(a) == content(b)


# -- the run -------------------------------------------------------------------------------------


@dataclass
class Variant:
    name: str
    intake: Run
    direct: Run
    problems: list[str]
    largest_mib: float


def run_variant(name: str, root: Path, pristine: Path, passfile: Path, port: int,
                devices: list[Device], bundles: list[Bundle], hq_key: PublicKey) -> Variant:
    intake_store, direct_store = root / f"hq-{name}-intake", root / f"hq-{name}-direct"
    shutil.copytree(pristine, intake_store)
    shutil.copytree(pristine, direct_store)
    log(f"{name}: {len(bundles)} concurrent uploads from {len(devices)} devices")
    server = Server(intake_store, passfile, port, root / f"serve-{name}.log")
    try:
        server.reset_peak()
        base = proc_status(server.proc.pid, "VmRSS") / 1024
        intake = upload_all(server, devices, bundles, hq_key)
        intake.peak_rss_mib = proc_status(server.proc.pid, "VmHWM") / 1024
        intake.base_rss_mib = base
    finally:
        server.stop()
    log(f"{name}: intake {intake.wall_s:.1f} s; direct import of the same bundles")
    direct = import_directly(direct_store, passfile, bundles)
    log(f"{name}: direct {direct.wall_s:.1f} s; checking both stores")
    problems = [f"intake: {e}" for e in intake.errors[:5]]
    problems += [f"direct: {e}" for e in direct.errors[:5]]
    problems += [f"intake store: {p}" for p in check_store(intake_store, bundles, devices)]
    problems += [f"direct store: {p}" for p in check_store(direct_store, bundles, devices)]
    if not same_content(intake_store, direct_store):
        problems.append("the intake and direct stores hold different content")
    for store in (intake_store, direct_store):
        shutil.rmtree(store, ignore_errors=True)
    return Variant(name, intake, direct, problems, max(b.size for b in bundles) / 2**20)


def table(variants: list[Variant], args: argparse.Namespace) -> str:
    head = ("| variant | path | bundles | records | MiB | wall s | bundles/s | records/s | "
            "MiB/s | first ms | p50 ms | p95 ms | peak RSS MiB |")
    lines = [head, "|" + "---|" * 13]
    for v in variants:
        for run in (v.intake, v.direct):
            first = f"{min(run.latencies) * 1000:.0f}" if run.latencies else "—"
            p50 = f"{quantile(run.latencies, 0.5) * 1000:.0f}" if run.latencies else "—"
            p95 = f"{quantile(run.latencies, 0.95) * 1000:.0f}" if run.latencies else "—"
            rss = f"{run.peak_rss_mib:.0f}" + (
                f" (idle {run.base_rss_mib:.0f})" if run.base_rss_mib else "")
            lines.append(
                f"| {v.name} | {run.name} | {run.bundles} | {run.records:,} | {run.mib:.1f} | "
                f"{run.wall_s:.2f} | {run.bundles / run.wall_s:.1f} | "
                f"{run.records / run.wall_s:,.0f} | {run.mib / run.wall_s:.1f} | {first} | {p50} | "
                f"{p95} | {rss} |")
    out = ["", "## Intake under load: " + (
        f"{args.devices} devices × {args.bundles} bundles × {args.records} records, all "
        f"uploads at once; {args.big_bundles} of the bundles carry a recording of "
        f"{SMALL_RECORDING_MIB:g} MiB (small) or {args.big_mib:g} MiB (large)"), "",
        *lines, ""]
    for v in variants:
        run = v.intake
        if run.latencies and quantile(run.latencies, 0.5) > 0.8 * run.wall_s:
            out += [f"Note ({v.name}): the median upload waited "
                    f"{quantile(run.latencies, 0.5):.1f} s of {run.wall_s:.1f} s: receipts "
                    "come in a cluster at the end of the batch rather than as each bundle "
                    "is imported (HQ imports one bundle at a time).", ""]

    targets = ["| target | measured | result |", "|---|---|---|"]
    for v in variants:
        targets.append(f"| {v.name}: nothing lost, each bundle imported exactly once, every "
                       f"record present (both stores, same content) | "
                       f"{'; '.join(v.problems) or 'all there'} | {verdict(not v.problems)} |")
    for v in variants:
        slow = v.intake.wall_s / v.direct.wall_s
        targets.append(f"| {v.name}: intake throughput within {MAX_SLOWDOWN:g}× of direct "
                       f"import | {slow:.2f}× ({v.intake.wall_s:.2f} s vs "
                       f"{v.direct.wall_s:.2f} s) | {verdict(slow <= MAX_SLOWDOWN)} |")
    if len(variants) == 2:
        small, large = variants
        growth = large.intake.peak_rss_mib - small.intake.peak_rss_mib
        targets.append(
            f"| server memory independent of bundle size: peak RSS large − small ≤ "
            f"{RSS_GROWTH_MAX_MIB:g} MiB (largest bundle {large.largest_mib:.1f} MiB vs "
            f"{small.largest_mib:.2f} MiB; {large.intake.mib:.0f} MiB received) | "
            f"{growth:+.1f} MiB ({small.intake.peak_rss_mib:.0f} → "
            f"{large.intake.peak_rss_mib:.0f} MiB) | "
            f"{verdict(growth <= RSS_GROWTH_MAX_MIB)} |")
    return "\n".join([*out, *targets, ""])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smaller bundles and recordings (about a minute)")
    parser.add_argument("--devices", type=int, default=50)
    parser.add_argument("--bundles", type=int, default=4, help="bundles per device")
    parser.add_argument("--records", type=int, default=None, help="records per bundle")
    parser.add_argument("--big-mib", type=float, default=None,
                        help="size of the recording in the large variant's bundles")
    parser.add_argument("--big-bundles", type=int, default=None,
                        help="how many bundles of the large variant carry one")
    parser.add_argument("--tmpdir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    args.records = args.records or (25 if args.quick else 100)
    args.big_mib = args.big_mib if args.big_mib is not None else (24 if args.quick else 48)
    args.big_bundles = args.big_bundles if args.big_bundles is not None else (
        4 if args.quick else 8)
    args.big_bundles = min(args.big_bundles, args.devices)

    root = Path(tempfile.mkdtemp(prefix="hrd-intake-bench-", dir=args.tmpdir))
    log(f"working in {root}; load average {os.getloadavg()[0]:.2f}")
    try:
        passfile = root / "passphrase"
        passfile.write_text(PASSPHRASE + "\n")
        port = free_port()
        pristine = root / "hq-pristine"
        with HqStore.init(pristine, PASSPHRASE, "Benchmark HQ") as store:
            profile_bytes = store.profile(intake_url=f"http://{HOST}:{port}").sign(
                store.signing_key())
            hq_key = store.signing_key().public_key()
        log(f"making {args.devices} enrolled devices")
        devices = make_devices(root / "devices", profile_bytes, args.devices)
        with HqStore.open(pristine, PASSPHRASE) as store:
            for d in devices:
                store.vault.hq.add_device(f"laptop-{d.index:03d}",
                                          d.key.public_key().to_base64())
        log("exporting the small bundles")
        small = fill(devices, root / "bundles-small", bundles=args.bundles,
                     per_bundle=args.records, seed=1, recording_mib=SMALL_RECORDING_MIB,
                     recordings=args.big_bundles)
        log("exporting the large bundles")
        large = fill(devices, root / "bundles-large", bundles=args.bundles,
                     per_bundle=args.records, seed=2, recording_mib=args.big_mib,
                     recordings=args.big_bundles)
        variants = [run_variant("small", root, pristine, passfile, port, devices, small,
                                hq_key),
                    run_variant("large", root, pristine, passfile, port, devices, large,
                                hq_key)]
        print(table(variants, args))
        log(f"done; load average {os.getloadavg()[0]:.2f}")
    finally:
        if args.keep:
            log(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
