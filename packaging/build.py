"""Build the desktop app with PyInstaller and pack a versioned archive under dist/.

    python packaging/build.py [--onefile] [--no-self-test]

Prints the build time, unpacked and archive sizes, and runs the frozen ``--self-test``.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hrd_field import __version__  # noqa: E402


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> int:
    onefile = "--onefile" in sys.argv
    env = {**os.environ, "HRD_FIELD_ONEFILE": "1" if onefile else "0"}
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
                    "--log-level", "WARN", "--distpath", str(ROOT / "dist"),
                    "--workpath", str(ROOT / "build" / "pyinstaller"),
                    str(ROOT / "packaging" / "hrd-field.spec")], check=True, env=env)
    built = time.monotonic() - started
    arch = platform.machine()
    out = ROOT / "dist" / ("hrd-field" if not onefile else "hrd-field")
    binary = out / "hrd-field" if out.is_dir() else out
    if out.is_dir():
        linux = ROOT / "packaging" / "linux"
        for name in ("hrd-field.desktop", "org.hrdfield.HRDField.metainfo.xml"):
            shutil.copy(linux / name, out / name)
        shutil.copy(ROOT / "resources" / "icons" / "hrd-field.svg", out / "hrd-field.svg")
    archive = ROOT / "dist" / f"hrd-field-{__version__}-linux-{arch}.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(out, arcname=f"hrd-field-{__version__}")
    unpacked = du(out) if out.is_dir() else out.stat().st_size
    print(f"build time      {built:8.1f} s")
    print(f"unpacked size   {unpacked / 2**20:8.1f} MiB (target < 150 MiB)")
    print(f"archive         {archive.stat().st_size / 2**20:8.1f} MiB  {archive.name}")
    if "--no-self-test" in sys.argv:
        return 0
    test_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    test_env.pop("HRD_FIELD_TEST_FAST_KDF", None)
    proc = subprocess.run([str(binary), "--self-test"], env=test_env, check=False)
    print("frozen self-test", "passed" if proc.returncode == 0 else "FAILED")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
