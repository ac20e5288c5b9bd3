"""Build and install SQLCipher's Python binding without a system call per allocation.

With ``PRAGMA cipher_memory_security = ON`` (the vault turns it on) SQLCipher wraps SQLite's
allocator: it overwrites every freed block, and it also calls ``mlock`` on every allocation
and ``munlock`` on every free. Those two system calls, not the wiping, were most of the
vault's cost (issue 18; bench/memory_security.py and bench/README.md have the figures),
and they protect little: an ordinary user may lock 8 MiB (``ulimit -l``) against the
vault's 64 MiB page cache, and unlocking one freed block unlocks the other blocks on its
memory pages.

So this builds the same pinned source release the published wheel is built from, with the
two calls taken out of the allocator wrapper only, and freed blocks overwritten with zeros
by glibc's ``explicit_bzero`` (which the compiler may not drop) instead of a byte-by-byte
pseudo-random fill, which made queries 3–5× slower than with memory security off: zeros
remove the data as well as noise does. The keys' own heap (``sqlcipher_internal_malloc``)
is still locked in memory and wiped as before. OpenSSL comes from the system (Debian's
maintained ``libcrypto``). Linux with glibc only; elsewhere the published wheel is used.

Usage: .venv/bin/python packaging/sqlcipher_build.py   (bootstrap.sh runs it)
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "sqlcipher3"
VERSION = "0.6.4"
SHA256 = "b02a3edfc554c9197d63ab4c38a30f7682eec65b10e5be2c9285a0d6ffb7a29a"
# Each must occur exactly once in the source, or the build stops: a new SQLCipher release
# is then read again before this change is carried over.
PATCHES: tuple[tuple[str, str, str], ...] = (
    ("vendor/sqlite3.c",
     "    sqlcipher_log(SQLCIPHER_LOG_TRACE, SQLCIPHER_LOG_MEMORY, "
     "\"sqlcipher_mem_malloc: calling sqlcipher_mlock(%p,%d)\", ptr, n);\n"
     "    sqlcipher_mlock(ptr, n);\n",
     "    /* hrd_field: no mlock per allocation (packaging/sqlcipher_build.py) */\n"),
    ("vendor/sqlite3.c",
     "    xoshiro_randomness(p, sz);\n    sqlcipher_munlock(p, sz);\n  }\n"
     "  default_mem_methods.xFree(p);\n",
     "    explicit_bzero(p, sz);\n  }\n  default_mem_methods.xFree(p);\n"),
)
# A local version label naming these changes: pip's "sqlcipher3==0.6.4" is satisfied by it,
# and a change here builds anew. tests/vault/test_memory_wiping.py tells the builds apart.
LOCAL_VERSION = f"{VERSION}+hrd.{hashlib.sha256(repr(PATCHES).encode()).hexdigest()[:10]}"
PATCHES += (("pyproject.toml", f'version = "{VERSION}"', f'version = "{LOCAL_VERSION}"'),)

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".venv" / "hrd-wheels"


def installed_version() -> str | None:
    from importlib import metadata

    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return None


def pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args], check=True)


def download(into: Path) -> Path:
    # --no-build-isolation: the sdist declares conan (to fetch OpenSSL) as a build
    # requirement; its setup.py falls back to the system's OpenSSL without it.
    pip("download", "-q", "--no-deps", "--no-binary", PACKAGE, "--no-build-isolation",
        "-d", str(into), f"{PACKAGE}=={VERSION}")
    (sdist,) = into.glob(f"{PACKAGE}-{VERSION}.tar.gz")
    digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
    if digest != SHA256:
        sys.exit(f"{sdist.name}: sha256 {digest}, expected {SHA256}")
    return sdist


def patch(source: Path) -> None:
    for name, old, new in PATCHES:
        path = source / name
        text = path.read_text(encoding="utf-8")
        if text.count(old) != 1:
            sys.exit(f"{name}: the text to change occurs {text.count(old)} times, not once")
        path.write_text(text.replace(old, new), encoding="utf-8")


def build() -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with tarfile.open(download(work)) as archive:
            if hasattr(tarfile, "data_filter"):
                archive.extractall(work, filter="data")
            else:  # Python before 3.11.4 (Debian 12's); the archive's hash is pinned above
                archive.extractall(work)  # noqa: S202
        source = work / f"{PACKAGE}-{VERSION}"
        patch(source)
        print(f"Compiling SQLCipher ({LOCAL_VERSION}): about two minutes", flush=True)
        # -g0: without debug information the module is a fifth of the size.
        env = {**os.environ, "CFLAGS": "-O2 -g0"}
        subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                        "--no-build-isolation", "-w", str(CACHE), str(source)],
                       check=True, env=env)
    (wheel,) = CACHE.glob(f"{PACKAGE}-{LOCAL_VERSION}-*.whl")
    return wheel


def main() -> None:
    if not sys.platform.startswith("linux") or installed_version() == LOCAL_VERSION:
        return
    wheels = list(CACHE.glob(f"{PACKAGE}-{LOCAL_VERSION}-*.whl"))
    wheel = wheels[0] if wheels else build()
    pip("install", "-q", "--no-deps", "--force-reinstall", str(wheel))


if __name__ == "__main__":
    main()
