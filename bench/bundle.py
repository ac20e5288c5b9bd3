"""Bundle benchmark: export from a field vault and import at HQ, against the stock ``age`` CLI.

    python bench/bundle.py [--quick] [--records N] [--attachment-mib A] [--tmpdir DIR]

A field vault holds N realistic records (``hrd_field.demo``, all of them allowed to
travel) and A MiB of attachments (random bytes, several files of 64–256 MiB, on people who
consented to share their identity, so they travel). The run measures, in one go:

1. throughput against the stock ``age`` CLI encrypting and decrypting the same number of
   bytes (``age`` output is fsync'd, as our bundles and the HQ store are): the bundle layer
   alone (``write_bundle`` / ``read_bundle`` on the same random file) and end to end
   (``hrd-field export`` from the vault, ``hrd-field hq import`` into a fresh HQ store): the
   attachment bytes over the time they add to the same run without them, measured on a
   vault holding only the people the files belong to (in the big vault that difference is
   lost in the noise of importing N records; it is shown too);
2. peak RSS of each export and each import, every one in its own subprocess, with all, half
   and none of the attachment volume (the peak must not grow with it);
3. import throughput in records per second, records only and with the attachments.

Progress goes to stderr, the table to stdout; each target prints PASS or FAIL and the exit
status is 0 unless the script itself crashes. ``--quick``: 2,000 records and 128 MiB.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.metadata
import io
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchkit import Line, Report, verdict

FAST_KDF_ENV = "HRD_FIELD_TEST_FAST_KDF"
# Argon2id's 256 MiB working memory would set every peak-RSS figure below; the KDF is
# measured by bench/vault.py. Set before hrd_field is imported (read at each derivation).
os.environ[FAST_KDF_ENV] = "1"

from hrd_field.bundle import AttachmentSource, read_bundle, write_bundle  # noqa: E402
from hrd_field.bundle.minisign import SigningKey  # noqa: E402
from hrd_field.core.records import Record  # noqa: E402
from hrd_field.core.validation import validate  # noqa: E402
from hrd_field.demo import demo_batch  # noqa: E402
from hrd_field.hq.store import HqStore  # noqa: E402
from hrd_field.sync.identity import device_public_key, enrol  # noqa: E402
from hrd_field.vault.vault import Vault  # noqa: E402

PASSPHRASE = "benchmark passphrase, not a secret"
MiB = 1 << 20
BATCH = 5_000

# Targets (DESIGN.md §4/§5 and the brief).
MIN_AGE_RATIO = 0.5  # our MiB/s ÷ age's MiB/s
MAX_RSS_MIB = 200.0
MIN_RECORDS_PER_S = 5_000.0

START = time.perf_counter()

# Runs ``hrd-field ARGS`` in this interpreter and reports the process's peak RSS (VmHWM,
# which exec starts afresh; ru_maxrss of a vfork+exec child would start at our own peak).
CHILD = """\
import runpy, sys
code = 0
try:
    runpy.run_module("hrd_field", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        sys.stderr.write("BENCH-VmHWM-KiB " + line.split()[1] + "\\n")
sys.exit(code)
"""


def log(message: str) -> None:
    print(f"[{time.perf_counter() - START:6.1f} s] {message}", file=sys.stderr, flush=True)


# -- formatting --------------------------------------------------------------------------------


def mibs(nbytes: float, seconds: float) -> float:
    return nbytes / MiB / seconds if seconds > 0 else float("inf")


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def filesystem(path: Path) -> str:
    best = ("", "unknown")
    with contextlib.suppress(OSError):
        for line in Path("/proc/mounts").read_text().splitlines():
            _dev, mount, fstype, *_rest = line.split()
            if str(path.resolve()).startswith(mount) and len(mount) > len(best[0]):
                best = (mount, fstype)
    return best[1] + (" (fsync is free here: figures are optimistic)"
                      if best[1] == "tmpfs" else "")


# -- the data ----------------------------------------------------------------------------------


class RandomStream(io.RawIOBase):
    """``size`` random bytes, generated as they are read (nothing on disk, little memory)."""

    def __init__(self, size: int) -> None:
        self._left = size

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        n = min(len(target), self._left, MiB)
        if n <= 0:
            return 0
        target[:n] = os.urandom(n)
        self._left -= n
        return n


def file_sizes(total_mib: int, pattern: Sequence[int]) -> list[int]:
    """Split ``total_mib`` into files of 64–256 MiB following ``pattern`` (MiB)."""
    if total_mib < 64:
        return [total_mib] if total_mib > 0 else []
    sizes, left = [], total_mib
    while left:
        size = next((s for s in pattern if s <= left and (left - s == 0 or left - s >= 64)),
                    left)
        sizes.append(size)
        left -= size
    return sizes


def travelling_records(n: int, seed: int) -> list[Record]:
    """``n`` demo records, each final and with consent to go to HQ (so all of them travel)."""
    out: list[Record] = []
    for record in demo_batch(int(n * 1.15) + 10, seed=seed):
        record.status = "final"
        if record.HAS_CONSENT:
            c = record.consent  # type: ignore[attr-defined]
            if not (c.obtained and c.scope.share_with_hq):
                c.obtained, c.method = True, c.method or "verbal"
                c.date = c.date or "2025-01-15"
                c.scope.share_with_hq = True
        if not validate(record):
            out.append(record)
        if len(out) == n:
            return out
    raise RuntimeError("the demo generator gave too few valid records")


@dataclass
class Setup:
    tmp: Path
    passfile: Path
    hq_pristine: Path
    hq_identity: str
    hq_recipient: str
    vaults: dict[str, Path]  # "records" / "half" / "full" / "holders" / "holders+files"
    attachment_mib: dict[str, int]
    attachment_sizes: list[int]  # MiB, one per file
    records: int


def build(tmp: Path, n: int, attachment_mib: int) -> Setup:
    passfile = tmp / "passphrase.txt"
    passfile.write_text(PASSPHRASE + "\n", encoding="utf-8")
    log("HQ store")
    hq_dir = tmp / "hq-pristine"
    with HqStore.init(hq_dir, PASSPHRASE, "Bench HQ") as store:
        profile = store.profile().sign(store.signing_key())
        identity, recipient = store.identities()[0], store.recipients()[0]
    log(f"{n:,} realistic records into a field vault")
    records = travelling_records(n, seed=2026)
    base = tmp / "vault-records"
    half_sizes = file_sizes(attachment_mib // 2, (256, 128, 64))
    rest_sizes = file_sizes(attachment_mib - attachment_mib // 2, (192, 160, 96, 64))
    holders = [r for r in records if r.TYPE == "person"][: len(half_sizes) + len(rest_sizes)]
    for person in holders:
        person.consent.scope.share_identity_with_hq = True  # type: ignore[attr-defined]
    with Vault.create(base, PASSPHRASE) as vault:
        enrol(vault, profile)
        for i in range(0, len(records), BATCH):
            vault.records.create_many(records[i : i + BATCH])
        device = device_public_key(vault).to_base64()
    with HqStore.open(hq_dir, PASSPHRASE) as store:
        store.vault.hq.add_device("bench-laptop", device)
    vaults = {"records": base}
    # The same people and files without the other records: the attachments' own cost.
    small = tmp / "vault-holders"
    with Vault.create(small, PASSPHRASE) as vault:
        enrol(vault, profile)
        wanted = {getattr(h, "mission_id", None) for h in holders}
        vault.records.create_many([r for r in records if r.TYPE == "mission" and r.id in wanted]
                                  + holders)
        with HqStore.open(hq_dir, PASSPHRASE) as store:
            store.vault.hq.add_device("bench-laptop-2", device_public_key(vault).to_base64())
    vaults["holders"] = small
    target = tmp / "vault-holders-files"
    shutil.copytree(small, target)
    log(f"copy of {small.name} + attachments of {half_sizes + rest_sizes} MiB -> {target.name}")
    with Vault.unlock(target, PASSPHRASE) as vault:
        for i, size in enumerate(half_sizes + rest_sizes):
            vault.add_attachment(holders[i].id, RandomStream(size * MiB),
                                 filename=f"recording-{i}.wav")
    vaults["holders+files"] = target
    held = 0
    for label, sizes in (("half", half_sizes), ("full", rest_sizes)):
        previous = vaults["half" if label == "full" else "records"]
        target = tmp / f"vault-{label}"
        log(f"copy of {previous.name} + attachments of {sizes} MiB -> {target.name}")
        shutil.copytree(previous, target)
        with Vault.unlock(target, PASSPHRASE) as vault:
            for size in sizes:
                vault.add_attachment(holders[held].id, RandomStream(size * MiB),
                                     filename=f"recording-{held}.wav")
                held += 1
        vaults[label] = target
    return Setup(tmp, passfile, hq_dir, identity, recipient, vaults,
                 {"records": 0, "half": sum(half_sizes),
                  "full": sum(half_sizes) + sum(rest_sizes)}, half_sizes + rest_sizes, n)


# -- measuring ---------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    peak_mib: float
    stdout: str
    cpu: float = 0.0  # user + system seconds of the child


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def hrd_field(args: Sequence[str | os.PathLike[str]], passfile: Path) -> Run:
    argv = [sys.executable, "-c", CHILD, *map(str, args), "--passphrase-file", str(passfile)]
    c0 = children_cpu()
    t0 = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t0
    cpu = children_cpu() - c0
    peak = 0.0
    for line in done.stderr.splitlines():
        if line.startswith("BENCH-VmHWM-KiB "):
            peak = int(line.split()[1]) / 1024
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise RuntimeError(f"hrd-field {' '.join(map(str, args[:2]))} failed")
    return Run(seconds, peak, done.stdout, cpu)


def fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def random_file(path: Path, size: int) -> None:
    with open(path, "wb") as fh:
        left = size
        while left:
            n = min(left, 4 * MiB)
            fh.write(os.urandom(n))
            left -= n
        fh.flush()
        os.fsync(fh.fileno())


def age_cli(setup: Setup, plain: Path) -> tuple[float, float, float, float]:
    """Seconds for ``age -e`` and ``age -d`` of ``plain``, each output fsync'd, then the
    CPU seconds of each."""
    identity = setup.tmp / "age-identity.txt"
    fd = os.open(identity, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(setup.hq_identity + "\n")
    enc, dec = plain.with_suffix(".age"), plain.with_suffix(".dec")
    c0 = children_cpu()
    t0 = time.perf_counter()
    subprocess.run(["age", "-e", "-r", setup.hq_recipient, "-o", str(enc), str(plain)],
                   check=True)
    fsync_file(enc)
    encrypt_s = time.perf_counter() - t0
    c1 = children_cpu()
    t0 = time.perf_counter()
    subprocess.run(["age", "-d", "-i", str(identity), "-o", str(dec), str(enc)], check=True)
    fsync_file(dec)
    decrypt_s = time.perf_counter() - t0
    c2 = children_cpu()
    if dec.stat().st_size != plain.stat().st_size:
        raise RuntimeError("age did not give back the same number of bytes")
    enc.unlink()
    dec.unlink()
    return encrypt_s, decrypt_s, c1 - c0, c2 - c1


class HashingSink:
    """HQ's importer minus the database: verifies and hashes, keeps nothing."""

    def __init__(self) -> None:
        self.bytes = 0

    def accept_manifest(self, verified: object) -> None:
        pass

    def records(self, data: bytes) -> None:
        self.bytes += len(data)

    def begin_attachment(self, sha256: str, size: int) -> None:
        pass

    def attachment_data(self, chunk: bytes) -> None:
        self.bytes += len(chunk)

    def end_attachment(self, sha256: str) -> None:
        pass


def bundle_layer(setup: Setup, plain: Path) -> tuple[float, float, float, float]:
    """Seconds for ``write_bundle`` (fsync'd) and ``read_bundle`` of one attachment
    ``plain``, then the CPU seconds of each (all threads of this process)."""
    digest = hashlib.sha256()
    with open(plain, "rb") as fh:
        while chunk := fh.read(MiB):
            digest.update(chunk)
    size = plain.stat().st_size
    out = setup.tmp / "layer"
    out.mkdir()
    c0 = time.process_time()
    t0 = time.perf_counter()
    written = write_bundle(
        out, signing_key=SigningKey.generate(), recipients=[setup.hq_recipient], sequence=1,
        previous_manifest_sha256=None, records_jsonl=b"",
        attachments=[AttachmentSource(digest.hexdigest(), size, lambda: open(plain, "rb"))],
        app_version="bench", schema_version=1, counts={})
    write_s = time.perf_counter() - t0
    c1 = time.process_time()
    sink = HashingSink()
    t0 = time.perf_counter()
    read_bundle(written.path, identities=[setup.hq_identity], sink=sink)
    read_s = time.perf_counter() - t0
    c2 = time.process_time()
    if sink.bytes != size:
        raise RuntimeError("read_bundle did not give back the attachment")
    shutil.rmtree(out)
    return write_s, read_s, c1 - c0, c2 - c1


def export_import(setup: Setup, label: str, tag: str) -> tuple[Run, Run, list[Any]]:
    """``hrd-field export --all`` of one vault, then ``hq import`` of its bundles into a copy
    of the pristine HQ store; both in their own process."""
    tmp = setup.tmp
    out = tmp / f"out-{tag}"
    exported = hrd_field(["export", "--out", out, "--all", "--vault", setup.vaults[label]],
                         setup.passfile)
    store = tmp / f"hq-{tag}"
    shutil.copytree(setup.hq_pristine, store)
    imported = hrd_field(["hq", "import", *sorted(out.glob("*.hrdb")), "--store", store,
                          "--json"], setup.passfile)
    results = json.loads(imported.stdout)
    if any(r["status"] != "imported" for r in results):
        raise RuntimeError(f"import {label}: {[r['status'] for r in results]}")
    shutil.rmtree(store)  # keep the disk use down
    shutil.rmtree(out)
    return exported, imported, results


def bundle_bytes(directory: Path) -> tuple[int, int]:
    files = list(directory.glob("*.hrdb"))
    return len(files), sum(p.stat().st_size for p in files)


# -- the run -----------------------------------------------------------------------------------


def run(n: int, attachment_mib: int, tmp: Path) -> str:
    report = Report("ours", "throughput ratio = our MiB/s ÷ age's MiB/s: 1.00× = as fast as age")
    setup = build(tmp, n, attachment_mib)
    exports: dict[str, Run] = {}
    imports: dict[str, Run] = {}
    imported: dict[str, dict[str, int]] = {}
    sizes: dict[str, tuple[int, int]] = {}
    for label in ("records", "half", "full"):
        out = tmp / f"out-{label}"
        log(f"export ({label}: {setup.attachment_mib[label]} MiB of attachments)")
        exports[label] = hrd_field(["export", "--out", out, "--all", "--vault",
                                    setup.vaults[label]], setup.passfile)
        sizes[label] = bundle_bytes(out)
        store = tmp / f"hq-{label}"
        shutil.copytree(setup.hq_pristine, store)
        log(f"import ({label}: {sizes[label][0]} bundles, {sizes[label][1] / MiB:.0f} MiB)")
        imports[label] = hrd_field(["hq", "import", *sorted(out.glob("*.hrdb")), "--store",
                                    store, "--json"], setup.passfile)
        results = json.loads(imports[label].stdout)
        if any(r["status"] != "imported" for r in results):
            raise RuntimeError(f"import {label}: {[r['status'] for r in results]}")
        imported[label] = {
            "records": sum(r["counts"]["records"] for r in results),
            "attachments": sum(r["counts"]["attachments"] for r in results)}
        shutil.rmtree(store)  # keep the disk use down
        if label != "full":
            shutil.rmtree(out)
    startup = hrd_field(["hq", "gaps", "--store", setup.hq_pristine], setup.passfile)

    plain = tmp / "plain.bin"
    random_file(plain, sizes["full"][1])
    total = plain.stat().st_size
    timings: list[tuple[float, ...]] = []
    cpu_timings: list[tuple[float, ...]] = []
    for attempt in (1, 2):  # interleaved, best of two: the machine is shared
        log(f"stock age CLI on {total / MiB:.0f} MiB of random bytes ({attempt}/2)")
        age_runs = age_cli(setup, plain)
        log(f"bundle layer on the same file ({attempt}/2)")
        layer = bundle_layer(setup, plain)
        log(f"export + import of the files' holders, without and with the files ({attempt}/2)")
        base_e, base_i, _ = export_import(setup, "holders", f"holders-{attempt}")
        with_e, with_i, held = export_import(setup, "holders+files", f"files-{attempt}")
        if sum(r["counts"]["attachments"] for r in held) != len(setup.attachment_sizes):
            raise RuntimeError("the attachments did not travel")
        timings.append((*age_runs[:2], *layer[:2], with_e.seconds - base_e.seconds,
                        with_i.seconds - base_i.seconds, base_e.seconds, base_i.seconds))
        cpu_timings.append((*age_runs[2:], *layer[2:], with_e.cpu - base_e.cpu,
                            with_i.cpu - base_i.cpu))
    age_enc, age_dec, layer_w, layer_r, exp_att_s, imp_att_s, base_e_s, base_i_s = (
        min(r[i] for r in timings) for i in range(8))
    cpu = [min(r[i] for r in cpu_timings) for i in range(6)]
    plain.unlink()

    full_att = setup.attachment_mib["full"] * MiB
    age_e, age_d = mibs(total, age_enc), mibs(total, age_dec)

    report.header = [
        f"HRD Field bundle benchmark: {n:,} records, {setup.attachment_mib['full']} MiB of "
        "attachments",
        f"machine: {os.cpu_count()} CPUs, {platform.platform()}, Python "
        f"{platform.python_version()}, pyrage {importlib.metadata.version('pyrage')}, "
        "stock age CLI "
        f"{subprocess.run(['age', '--version'], capture_output=True, text=True).stdout.strip()}",
        f"temp dir: {tmp} on {filesystem(tmp)}; load average at start: {LOAD_AT_START}",
        f"vaults and HQ stores use the fast test KDF ({FAST_KDF_ENV}=1) so that Argon2id's "
        "256 MiB does not set the peak RSS (bench/vault.py measures the KDF)",
    ]

    s = report.section("1. throughput (MiB/s)", "stock age CLI on the same bytes, fsync'd")
    for name, ours, base in (
        (f"bundle layer: write_bundle, {total / MiB:.0f} MiB attachment → .hrdb",
         mibs(total, layer_w), age_e),
        (f"bundle layer: read_bundle → hashing sink, {total / MiB:.0f} MiB",
         mibs(total, layer_r), age_d),
        (f"export, vault → bundles ({setup.attachment_mib['full']} MiB of attachments)",
         mibs(full_att, exp_att_s), age_e),
        (f"import, bundles → HQ store ({setup.attachment_mib['full']} MiB of attachments)",
         mibs(full_att, imp_att_s), age_d),
    ):
        s.lines.append(Line(name, f"{ours:,.0f} MiB/s", f"{base:,.0f} MiB/s",
                            f"{ours / base:.2f}×", f"≥ {MIN_AGE_RATIO:.1f}×",
                            verdict(ours / base >= MIN_AGE_RATIO)))
    for name, ours_cpu, age_cpu in (
        ("  by CPU time: bundle layer write / read", (cpu[2], cpu[3]), (cpu[0], cpu[1])),
        ("  by CPU time: export / import", (cpu[4], cpu[5]), (cpu[0], cpu[1])),
    ):
        s.lines.append(Line(
            name, f"{ours_cpu[0]:.2f} / {ours_cpu[1]:.2f} s",
            f"{age_cpu[0]:.2f} / {age_cpu[1]:.2f} s",
            f"{age_cpu[0] / ours_cpu[0]:.2f}× / {age_cpu[1] / ours_cpu[1]:.2f}×"))
    s.notes += [
        f"age: `age -e -r` {age_enc:.2f} s, `age -d -i` {age_dec:.2f} s, each output fsync'd "
        "(write_bundle fsyncs its file; the HQ store commits with synchronous=FULL); bundle "
        f"layer: write {layer_w:.2f} s, read {layer_r:.2f} s; best of two interleaved runs",
        "by CPU time: user + system seconds of the processes (age's, ours; for the bundle "
        "layer this process, every thread), the same bytes; less moved by other processes' "
        "load than the wall-clock rows, but a second core used in parallel counts in full",
        "export/import rows: attachment bytes ÷ (time with them − time without them), on a "
        f"vault of only the {len(setup.attachment_sizes)} people the files belong to: export "
        f"{base_e_s + exp_att_s:.2f} − {base_e_s:.2f} s, import {base_i_s + imp_att_s:.2f} − "
        f"{base_i_s:.2f} s (best of two, interleaved with age); each run is a whole "
        "`hrd-field` process (start, unlock, plan, sign, verify); the export reads from the "
        "encrypted vault and the import writes into the encrypted store, age reads and writes "
        "plain files",
        f"the same difference in the {n:,}-record vault (one run, not interleaved; importing "
        "the records dominates and its noise swamps the files): export "
        f"{mibs(full_att, exports['full'].seconds - exports['records'].seconds):,.0f} MiB/s "
        f"({exports['full'].seconds:.1f} − {exports['records'].seconds:.1f} s), import "
        f"{mibs(full_att, imports['full'].seconds - imports['records'].seconds):,.0f} MiB/s "
        f"({imports['full'].seconds:.1f} − {imports['records'].seconds:.1f} s)",
    ]

    s = report.section("2. peak RSS (VmHWM of the hrd-field subprocess)", "—")
    for kind, runs in (("export", exports), ("import", imports)):
        for label in ("records", "half", "full"):
            r = runs[label]
            checked = label != "records"
            s.lines.append(Line(
                f"{kind}, {n:,} records + {setup.attachment_mib[label]} MiB of attachments",
                f"{r.peak_mib:.0f} MiB", "", "",
                f"< {MAX_RSS_MIB:.0f} MiB" if checked else "",
                verdict(r.peak_mib < MAX_RSS_MIB) if checked else ""))
        growth = runs["full"].peak_mib - runs["half"].peak_mib
        s.lines.append(Line(f"{kind}: full − half attachment volume", f"{growth:+.0f} MiB"))
    s.notes += [
        f"a bare `hrd-field hq gaps` (start, unlock, query) peaks at {startup.peak_mib:.0f} MiB "
        f"and takes {startup.seconds:.2f} s",
        "VmHWM is read by the child itself at exit: ru_maxrss of a vfork+exec child starts at "
        "its parent's peak on Linux",
    ]

    s = report.section("3. records", "—")
    rec_only = imported["records"]["records"]
    rate = rec_only / imports["records"].seconds
    s.lines.append(Line(f"import, records only ({rec_only:,} records, 1 CLI run)",
                        f"{rate:,.0f} rec/s", "", "", f"≥ {MIN_RECORDS_PER_S:,.0f} rec/s",
                        verdict(rate >= MIN_RECORDS_PER_S)))
    net = imports["records"].seconds - startup.seconds
    s.lines.append(Line("  same, without process start and unlock",
                        f"{rec_only / net:,.0f} rec/s"))
    full = imported["full"]
    s.lines.append(Line(
        f"import with {setup.attachment_mib['full']} MiB of attachments "
        f"({full['records']:,} records, {full['attachments']} files)",
        f"{full['records'] / imports['full'].seconds:,.0f} rec/s"))
    s.lines.append(Line("export, records only (plan, sign, encrypt, fsync)",
                        f"{rec_only / exports['records'].seconds:,.0f} rec/s"))
    s.notes += [
        f"bundles: records only {sizes['records'][0]} ({sizes['records'][1] / MiB:.1f} MiB), "
        f"full {sizes['full'][0]} ({sizes['full'][1] / MiB:.0f} MiB); default --max-size "
        "32 MiB (a larger attachment travels alone)",
        f"every record travelled: {rec_only:,} of {n:,} imported, "
        f"{full['attachments']} attachment files",
        f"total run time {time.perf_counter() - START:.0f} s; load average at the end: "
        f"{load_average()}",
    ]
    return report.render()


LOAD_AT_START = load_average()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, help="records in the vault (default 10000)")
    parser.add_argument("--attachment-mib", type=int,
                        help="total attachment volume in MiB (default 1024)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 2000 records, 128 MiB of attachments")
    parser.add_argument("--tmpdir", type=Path, help="where to work (default: $TMPDIR)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args(argv)
    n = args.records or (2_000 if args.quick else 10_000)
    mib = args.attachment_mib if args.attachment_mib is not None else (
        128 if args.quick else 1024)
    if shutil.which("age") is None:
        parser.error("the stock age CLI is needed (Debian: apt install age)")
    tmp = Path(tempfile.mkdtemp(prefix="bundle-bench-", dir=args.tmpdir))
    try:
        print(run(n, mib, tmp))
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
