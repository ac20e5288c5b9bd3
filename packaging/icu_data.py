"""Trim the ICU data PySide6 ships (libicudata, 31 MiB: a fifth of the app) to what HRD Field
can use: the six UN languages and the root locale, no legacy character-set converters, no
transliterators.

ICU's data is one "common data" package inside the library (the symbol ``icudt<N>_dat``).
We copy it out, drop items with ``icupkg`` (Debian: icu-devtools), and assemble a library
with the same name and symbol around the smaller package with binutils (``as``, ``ld``).
Qt reads collation, locale names, time zones and break rules from it: what the frozen
self-test checks (collation in Chinese pinyin order needs the ``zh`` collation data).
Without the tools the library is left as it is and the build says so.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

LANGUAGES = ("root", "en", "ar", "zh", "fr", "ru", "es")
# Not locales although they look like locale ids.
_DATA_NAMES = {"res_index", "pool"}
_LOCALE = re.compile(r"([a-z]{2,3}|root)(_[A-Za-z0-9]+)*")


def dropped(item: str) -> bool:
    """Whether an item of ICU's package (``coll/fr_CA.res``, ``ibm-37_P100-1995.cnv``) goes."""
    folder, _, name = item.rpartition("/")
    stem, _, ext = name.rpartition(".")
    if ext == "cnv" or folder == "translit":
        return True
    if ext != "res" or stem in _DATA_NAMES or not _LOCALE.fullmatch(stem):
        return False
    return stem.split("_")[0] not in LANGUAGES


def _symbol(library: Path) -> tuple[str, int, int]:
    """Name, file offset and size of ICU's data symbol in ``library``."""
    symbols = subprocess.run(["readelf", "-sW", str(library)], capture_output=True,
                             text=True, check=True).stdout
    found = re.search(r"\s0*([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s+GLOBAL\s+\S+\s+(\d+)\s+"
                      r"(icudt\d+_dat)\b", symbols)
    if found is None:
        raise RuntimeError(f"no ICU data symbol in {library.name}")
    address, size, section, name = found.groups()
    sections = subprocess.run(["readelf", "-SW", str(library)], capture_output=True,
                              text=True, check=True).stdout
    row = re.search(rf"\[\s*{section}\]\s+\S+\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)", sections)
    if row is None:
        raise RuntimeError(f"no section {section} in {library.name}")
    offset = int(address, 16) - int(row.group(1), 16) + int(row.group(2), 16)
    return name, offset, int(size, 0)


def trim(bundle: Path) -> int:
    """Replace ``libicudata`` under ``bundle`` by a trimmed one. Returns the bytes freed
    (0 if the tools are missing or there is no ICU data library)."""
    if not all(shutil.which(tool) for tool in ("icupkg", "readelf", "as", "ld")):
        print("ICU data left whole: install icu-devtools and binutils to trim it")
        return 0
    freed = 0
    for library in bundle.rglob("libicudata.so.*"):
        if library.is_symlink():
            continue
        name, offset, size = _symbol(library)
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            # The output keeps the input's name: icupkg names the items' prefix after it,
            # and ICU looks them up under icudt<N>l/.
            whole = work / f"{name[:-4]}l.dat"
            (work / "out").mkdir()
            small = work / "out" / whole.name
            with open(library, "rb") as fh:
                fh.seek(offset)
                whole.write_bytes(fh.read(size))
            items = subprocess.run(["icupkg", "-l", str(whole)], capture_output=True,
                                   text=True, check=True).stdout.split()
            drop = {i for i in items if dropped(i)}
            for _attempt in range(5):  # keep what a kept item refers to (aliases)
                (work / "drop.txt").write_text("\n".join(sorted(drop)) + "\n")
                done = subprocess.run(["icupkg", "-r", str(work / "drop.txt"), str(whole),
                                       str(small)], capture_output=True, text=True, check=False)
                needed = set(re.findall(r"depends on missing item (\S+)", done.stderr))
                if done.returncode == 0 and not needed:
                    break
                if not needed & drop:
                    raise RuntimeError(f"icupkg failed: {done.stderr.strip()[:500]}")
                drop -= needed
            else:
                raise RuntimeError("icupkg: the kept items' dependencies did not settle")
            (work / "data.s").write_text(
                f'.section .rodata\n.globl {name}\n.type {name}, @object\n.balign 16\n'
                f'{name}:\n.incbin "{small}"\n.size {name}, . - {name}\n'
                '.section .note.GNU-stack,"",@progbits\n')
            subprocess.run(["as", "-o", str(work / "data.o"), str(work / "data.s")],
                           check=True)
            new = work / library.name
            subprocess.run(["ld", "-shared", "-soname", library.name, "-z", "noexecstack",
                            "-o", str(new), str(work / "data.o")], check=True)
            before = library.stat().st_size
            shutil.copyfile(new, library)
            freed += before - library.stat().st_size
    return freed
