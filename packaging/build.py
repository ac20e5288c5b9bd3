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

sys.path.insert(0, str(ROOT / "packaging"))
import icu_data  # noqa: E402


def du(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


LIB_DIRS = ("_internal", "_internal/pillow.libs", "_internal/PySide6/Qt/lib")


def _needed(path: Path) -> set[str]:
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True,
                         check=False).stdout
    return {line.split("[", 1)[1].rstrip("]") for line in out.splitlines()
            if "(NEEDED)" in line}


def prune_unused_libraries(bundle: Path) -> int:
    """Delete shared libraries nothing in the bundle links to.

    PyInstaller collects the dependencies of every Qt plugin before the spec drops the
    plugins it does not ship (the GTK theme drags in cairo, pango, …). Everything that is
    not a plain library (extension modules, plugins, the executable) is a root; libpython
    is loaded by the bootloader without being linked. Returns the bytes freed.
    """
    if shutil.which("readelf") is None:
        return 0
    libraries: dict[str, Path] = {}
    for folder in LIB_DIRS:
        for p in (bundle / folder).glob("lib*.so*"):
            libraries.setdefault(p.name, p)
    roots = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()
             and (".so" in p.name or p.name == "hrd-field") and p.name not in libraries]
    alive = {name for name in libraries if name.startswith("libpython")}
    frontier = list(roots) + [libraries[n] for n in alive]
    while frontier:
        for name in _needed(frontier.pop().resolve()):
            if name in libraries and name not in alive:
                alive.add(name)
                frontier.append(libraries[name])
    freed = 0
    for folder in LIB_DIRS:
        for p in (bundle / folder).glob("lib*.so*"):
            if p.name not in alive:
                freed += 0 if p.is_symlink() else p.lstat().st_size
                p.unlink()
    return freed


def startup(program: Path, *args: str, runs: int = 5) -> float:
    """Median seconds from spawning the app to its first screen being shown (offscreen)."""
    import statistics
    import tempfile

    times = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HRD_FIELD_STARTUP_PROBE": "1",
               "HRD_FIELD_CONFIG_DIR": tmp, "HRD_FIELD_VAULT": str(Path(tmp) / "vault")}
        for _ in range(runs):
            started = time.time()
            out = subprocess.run([str(program), *args, "gui"], env=env, capture_output=True,
                                 text=True, timeout=120, check=True).stdout
            shown = float(out.split("shown ", 1)[1].split()[0])
            times.append(shown - started)
    return statistics.median(times)


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
    out = ROOT / "dist" / "hrd-field"  # a folder, or the single binary with --onefile
    binary = out / "hrd-field" if out.is_dir() else out
    if out.is_dir():
        freed = prune_unused_libraries(out)
        print(f"pruned          {freed / 2**20:8.1f} MiB of libraries nothing links to")
        freed = icu_data.trim(out)
        print(f"ICU data        {freed / 2**20:8.1f} MiB freed (UN languages only)")
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
    frozen, source = startup(binary), startup(Path(sys.executable), "-m", "hrd_field")
    print(f"start → unlock screen, median of 5: frozen {frozen:.2f} s, "
          f"python -m hrd_field {source:.2f} s (ratio {frozen / source:.2f})")
    test_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    test_env.pop("HRD_FIELD_TEST_FAST_KDF", None)
    proc = subprocess.run([str(binary), "--self-test"], env=test_env, check=False)
    print("frozen self-test", "passed" if proc.returncode == 0 else "FAILED")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
