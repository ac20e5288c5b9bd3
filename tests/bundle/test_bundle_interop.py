"""Opening bundles with the stock tools, as docs/bundle-format.md tells HQ to do it by hand.

Needs the Debian packages ``age`` and ``minisign`` (CI installs them).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers.bundle_testkit import Keys, attempt

from hrd_field.bundle import PublicKey, WrittenBundle
from hrd_field.bundle.minisign import verify

AGE = shutil.which("age")
MINISIGN = shutil.which("minisign")
needs_age = pytest.mark.skipif(AGE is None, reason="the age CLI is not installed (apt install age)")
needs_minisign = pytest.mark.skipif(
    MINISIGN is None, reason="the minisign CLI is not installed (apt install minisign)"
)


def run(*args: str | Path, cwd: Path | None = None, stdin: bytes | None = None) -> bytes:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, input=stdin, capture_output=True, timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return done.stdout


@needs_age
@needs_minisign
def test_open_a_bundle_with_stock_tools(
    keys: Keys, written: WrittenBundle, tmp_path: Path
) -> None:
    identity = tmp_path / "hq-identity.txt"
    identity.write_text(keys.identities[1] + "\n")
    identity.chmod(0o600)
    (tmp_path / "device.pub").write_text(keys.device.public_key().to_minisign())
    tar = tmp_path / "bundle.tar"
    run(AGE or "age", "-d", "-i", identity, "-o", tar, written.path)
    out = tmp_path / "out"
    out.mkdir()
    run("tar", "-xf", tar, "-C", out)
    listing = run("tar", "-tf", tar).decode().split()
    manifest = json.loads((out / "manifest.json").read_bytes())
    assert listing == ["manifest.json", "manifest.json.minisig"] + [
        m["name"] for m in manifest["members"]
    ]
    # Both ways of naming the key: a key file and the base64 line.
    run(MINISIGN or "minisign", "-Vm", "manifest.json", "-p", tmp_path / "device.pub", cwd=out)
    printed = run(MINISIGN or "minisign", "-Vm", "manifest.json", "-P",
                  keys.device.public_key().to_base64(), cwd=out).decode()
    assert f"bundle:{manifest['bundle_id']}" in printed
    sums = "".join(f"{m['sha256']}  {m['name']}\n" for m in manifest["members"])
    run("sha256sum", "--check", "--strict", "-", cwd=out, stdin=sums.encode())
    for member in manifest["members"]:
        assert hashlib.sha256((out / member["name"]).read_bytes()).hexdigest() == member["sha256"]


@needs_age
def test_age_cli_re_encryption_to_exactly_the_listed_recipients_reads(
    keys: Keys, written: WrittenBundle, tmp_path: Path
) -> None:
    identity = tmp_path / "id.txt"
    identity.write_text(keys.identities[0] + "\n")
    plain = run(AGE or "age", "-d", "-i", identity, written.path)
    recipients = [a for r in written.manifest.recipients for a in ("-r", r)]
    again = run(AGE or "age", *recipients, stdin=plain)  # Go's age, no grease stanzas
    error, sink = attempt(again, keys.identities[:1])
    assert error is None and sink.committed


@needs_minisign
def test_our_key_and_signature_verify_with_minisign(tmp_path: Path) -> None:
    from hrd_field.bundle import SigningKey

    key = SigningKey.generate()
    data = tmp_path / "file.bin"
    data.write_bytes(b"\x00binary\xffdata" * 1000)
    (tmp_path / "file.bin.minisig").write_text(key.sign(data.read_bytes(), "hello world"))
    (tmp_path / "k.pub").write_text(key.public_key().to_minisign())
    printed = run(MINISIGN or "minisign", "-Vm", data, "-p", tmp_path / "k.pub").decode()
    assert "Trusted comment: hello world" in printed
    # minisign -H insists on the prehashed algorithm, which is what we produce.
    run(MINISIGN or "minisign", "-H", "-Vm", data, "-P", key.public_key().to_base64())
    # And it rejects a tampered file.
    data.write_bytes(data.read_bytes() + b"!")
    done = subprocess.run([MINISIGN or "minisign", "-Vm", str(data), "-p",
                           str(tmp_path / "k.pub")], capture_output=True, check=False)
    assert done.returncode != 0


@needs_minisign
@pytest.mark.parametrize("legacy", [False, True])
def test_minisign_signatures_verify_with_our_code(tmp_path: Path, legacy: bool) -> None:
    pub, sec = tmp_path / "k.pub", tmp_path / "k.key"
    run(MINISIGN or "minisign", "-G", "-W", "-p", pub, "-s", sec)
    data = tmp_path / "file.bin"
    data.write_bytes(b"payload" * 100)
    run(MINISIGN or "minisign", "-S", *(["-l"] if legacy else []), "-s", sec, "-m", data,
        "-t", "from the CLI")
    key = PublicKey.from_minisign(pub.read_text())
    # minisign prints the key id without leading zeros; ours writes the same file.
    assert key.to_minisign() == pub.read_text()
    signature = (tmp_path / "file.bin.minisig").read_text()
    assert verify(data.read_bytes(), signature, key) == "from the CLI"
