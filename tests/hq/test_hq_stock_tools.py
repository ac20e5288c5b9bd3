"""docs/bundle-format.md, "Opening a bundle without HRD Field", run as written with the
stock ``age``, ``tar``, ``minisign``, ``python3`` and ``sha256sum``.

The shell block is read from the document itself, so the test follows the document; only
its placeholders are replaced: the example bundle name, the example public key line and,
where the document assumes it, the location of the device's key file.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers.hqkit import CANARY, World, consultation, export, make_world, person

from hrd_field.bundle.minisign import PublicKey

DOC = Path(__file__).resolve().parents[2] / "docs" / "bundle-format.md"
SECTION = "## Opening a bundle without HRD Field"
TOOLS = ("age", "minisign", "tar", "sha256sum", "python3")

pytestmark = pytest.mark.skipif(
    any(shutil.which(t) is None for t in TOOLS),
    reason="needs the stock tools " + ", ".join(t for t in TOOLS if shutil.which(t) is None)
    + " (Debian: apt install age minisign)")


def doc_block() -> str:
    text = DOC.read_text(encoding="utf-8")
    assert SECTION in text, "the section moved or was renamed"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```sh\n(.*?)```", section, re.S)
    assert match, "no sh block in the section"
    return match.group(1)


@dataclass
class Setup:
    workdir: Path
    bundle: Path
    public: PublicKey
    attachments: dict[str, bytes]


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    people = [person("Kestrel", notes=f"{CANARY} one"), person("Heron", notes="two")]
    world: World = make_world(tmp_path / "w", records=[*people, consultation("Round table")])
    files = {"portrait.jpg": os.urandom(150_000), "note.txt": b"a short note\n"}
    with world.vault() as vault:
        for p, (name, data) in zip(people, files.items()):
            vault.add_attachment(p.id, io.BytesIO(data), filename=name)
    workdir = tmp_path / "audit"
    [bundle] = export(world.field, workdir)
    # HQ's identity in a 0600 file, and the device key from the registry, next to the bundle.
    identity = workdir / "hq-identity.txt"
    fd = os.open(identity, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(world.identity + "\n")
    assert identity.stat().st_mode & 0o777 == 0o600
    with world.store() as store:
        [device] = store.vault.hq.devices()
    public = PublicKey.from_base64(device.public_key)
    (workdir / "device.pub").write_text(public.to_minisign(), encoding="ascii")
    return Setup(workdir, bundle, public,
                 {hashlib.sha256(d).hexdigest(): d for d in files.values()})


def run_block(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=cwd,
                          capture_output=True, text=True, timeout=60, check=False)


def substitute(block: str, setup: Setup, *, key_file: str) -> str:
    example_file = re.search(r"\S+…\S+\.hrdb", block)
    example_key = re.search(r"-P (RW\S+)", block)
    assert example_file and example_key, block
    return (block.replace(example_file.group(0), setup.bundle.name)
            .replace(example_key.group(1), setup.public.to_base64())
            .replace("-p device.pub", f"-p {key_file}"))


def test_documented_commands_open_and_verify_a_bundle(setup: Setup) -> None:
    # device.pub lies next to the bundle; after `cd bundle` it is ../device.pub.
    script = substitute(doc_block(), setup, key_file="../device.pub")
    res = run_block(script, setup.workdir)
    assert res.returncode == 0, (res.stdout, res.stderr)
    out = res.stdout
    bundle_dir = setup.workdir / "bundle"
    manifest = json.loads((bundle_dir / "manifest.json").read_bytes())

    # Step 2: only the expected names, only regular files -rw-------.
    listing = [line for line in out.splitlines() if re.match(r"^[-dlcbps][rwx-]{9} ", line)]
    names = ["manifest.json", "manifest.json.minisig", *(m["name"] for m in manifest["members"])]
    assert [line.split()[-1] for line in listing] == names
    assert all(line.startswith("-rw------- ") for line in listing), listing

    # Step 4: both minisign forms verify; the trusted comment names this bundle.
    assert out.count("Signature and comment signature verified") == 2, out
    comment = f"bundle:{manifest['bundle_id']} seq:{manifest['sequence']}"
    assert out.count(comment) == 2, out
    assert base64.b64decode(manifest["device_public_key"]) == setup.public.raw
    assert manifest["device_key_id"] == setup.public.key_id_hex

    # Step 5: every member OK, and nothing else was extracted.
    for member in manifest["members"]:
        assert f"{member['name']}: OK" in out
    extracted = sorted(str(p.relative_to(bundle_dir)) for p in bundle_dir.rglob("*")
                       if p.is_file())
    assert extracted == sorted(names)
    for member in manifest["members"]:
        data = (bundle_dir / member["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == member["sha256"]
        assert len(data) == member["size"]
    attached = {m["sha256"] for m in manifest["members"][1:]}
    assert attached == set(setup.attachments)
    for sha, data in setup.attachments.items():
        assert (bundle_dir / "attachments" / sha).read_bytes() == data

    # Step 6: JSON Lines, one record per line.
    records = (bundle_dir / "records.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(records) == 3 and all(json.loads(line)["id"] for line in records)
    assert CANARY in out  # `head -c 2000 records.jsonl` shows the content
    # The manifest names the HQ recipient the bundle was decrypted with.
    assert len(manifest["recipients"]) == 1


def test_documented_commands_detect_a_tampered_member(setup: Setup) -> None:
    script = substitute(doc_block(), setup, key_file="../device.pub")
    steps = script.split("# 5.")[0]  # decrypt, list, extract, check the signature
    res = run_block(steps, setup.workdir)
    assert res.returncode == 0, res.stderr
    records = setup.workdir / "bundle" / "records.jsonl"
    records.write_bytes(records.read_bytes().replace(b"Kestrel", b"Kestrol"))
    check = "# 5." + script.split("# 5.")[1].split("# 6.")[0]
    res = run_block(check, setup.workdir / "bundle")
    assert res.returncode != 0
    assert "records.jsonl: FAILED" in res.stdout


def test_documented_commands_verbatim(setup: Setup) -> None:
    # Only the example bundle name and key line are placeholders; device.pub is next to
    # the bundle, where an auditor would put it.
    script = substitute(doc_block(), setup, key_file="device.pub")
    res = run_block(script, setup.workdir)
    assert res.returncode == 0, (res.stdout, res.stderr)
