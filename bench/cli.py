"""CLI start-up benchmark: how long ``hrd-field`` takes before it does anything.

    python bench/cli.py [--runs N] [--against DIR]

Each command runs as a subprocess (``python -m hrd_field …``), as a person or a test does;
the figures are medians of N interleaved runs, next to two baselines measured in the same
run: a bare interpreter (``python -c pass``) and the floor of any command that opens a vault
(``python -c "import sqlcipher3"``). With ``--against DIR`` the same commands also run from
another checkout of the source (e.g. an export of main), interleaved with this one, for a
before/after in one run. What each figure means: bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchkit import Report, median, verdict

PASSPHRASE = "benchmark passphrase, not a secret"
RECORDS = 50
HEAVY = ("httpx", "psycopg", "xlsxwriter", "PySide6", "pycountry", "hrd_field.hq.importer",
         "hrd_field.hq.reports", "hrd_field.hq.interchange", "hrd_field.sync.client")
# Subprocesses run here, not in the checkout: ``python -m`` and ``-c`` put the current
# directory first on sys.path, which would shadow --against's PYTHONPATH.
NEUTRAL_CWD = tempfile.gettempdir()


PYCACHE: Path | None = None  # set in main(): bytecode as an installed package keeps it


def env_for(tree: Path | None) -> dict[str, str]:
    env = {**os.environ, "HRD_FIELD_TEST_FAST_KDF": "1"}
    env.pop("HRD_FIELD_VAULT", None)
    if PYCACHE is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    return env


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          cwd=NEUTRAL_CWD, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): "
                         f"{proc.stderr.decode(errors='replace')[-500:]}")
    return elapsed


def loaded_modules(args: list[str], env: dict[str, str]) -> tuple[int, list[str]]:
    """How many modules the command imports, and which of HEAVY among them."""
    code = ("import runpy, sys\n"
            f"sys.argv = ['hrd-field', *{args!r}]\n"
            "try:\n    runpy.run_module('hrd_field', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            f"print(len(sys.modules), *[m for m in {HEAVY!r} if m in sys.modules],"
            " file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          cwd=NEUTRAL_CWD, check=False)
    count, *heavy = proc.stderr.decode().strip().splitlines()[-1].split()
    return int(count), heavy


def make_vault(root: Path, passfile: Path) -> None:
    env = env_for(None)
    for args in (["vault", "init"], ["demo-data", "--count", str(RECORDS), "--seed", "7"]):
        subprocess.run([sys.executable, "-m", "hrd_field", *args, "--vault", str(root),
                        "--passphrase-file", str(passfile)], env=env, check=True,
                       capture_output=True, cwd=NEUTRAL_CWD)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--against", type=Path, metavar="DIR",
                        help="another source checkout (holding hrd_field/) to compare with")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="compile every module at every start (PYTHONDONTWRITEBYTECODE)")
    args = parser.parse_args()

    global PYCACHE
    tmp = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    try:
        if not args.no_bytecode_cache:
            PYCACHE = tmp / "pycache"
        passfile = tmp / "pass"
        passfile.write_text(PASSPHRASE + "\n")
        vault = tmp / "vault"
        make_vault(vault, passfile)
        py = sys.executable
        with_vault = ["--vault", str(vault), "--passphrase-file", str(passfile)]
        commands = {
            "--version": ["--version"],
            "record list --help": ["record", "list", "--help"],
            f"record list ({RECORDS} records)": ["record", "list", *with_vault],
            "hq import --help": ["hq", "import", "--help"],
        }
        trees: dict[str, Path | None] = {"": None}
        if args.against is not None:
            trees[" [against]"] = args.against.resolve()
        jobs: dict[str, tuple[list[str], dict[str, str]]] = {
            "python -c pass": ([py, "-c", "pass"], env_for(None)),
            "python -c 'import sqlcipher3'": ([py, "-c", "import sqlcipher3"], env_for(None)),
        }
        for suffix, tree in trees.items():
            for name, argv in commands.items():
                jobs[name + suffix] = ([py, "-m", "hrd_field", *argv], env_for(tree))
        samples: dict[str, list[float]] = {name: [] for name in jobs}
        for argv, env in jobs.values():  # warm the page cache and .pyc files
            timed(argv, env)
        order = list(jobs)
        for i in range(args.runs):
            print(f"\rround {i + 1}/{args.runs}", end="", file=sys.stderr, flush=True)
            shift = i % len(order)  # rotate who goes first
            for name in order[shift:] + order[:shift]:
                samples[name].append(timed(*jobs[name]))
        print(file=sys.stderr)

        bare = median(samples["python -c pass"])
        floor = median(samples["python -c 'import sqlcipher3'"])
        out = Report("median", footnote=f"{args.runs} interleaved runs each")
        out.header = [f"hrd-field start-up, Python {sys.version.split()[0]}, "
                      f"load average {os.getloadavg()[0]:.2f}",
                      f"baselines: python -c pass {bare * 1000:.0f} ms, "
                      f"python -c 'import sqlcipher3' {floor * 1000:.0f} ms",
                      "bytecode: " + ("compiled at every start (--no-bytecode-cache)"
                                      if PYCACHE is None else
                                      "cached after the warm-up run, as installed")]
        for suffix, tree in trees.items():
            sec = out.section("start-up" + (f" of {tree}" if tree else ""),
                              "python -c 'import sqlcipher3'")
            for name, argv in commands.items():
                value = median(samples[name + suffix])
                count, heavy = loaded_modules(argv, env_for(tree))
                # The light commands must not load the HQ, network or spreadsheet stacks.
                target = result = ""
                if not name.startswith("hq "):
                    target, result = "no heavy", verdict(not heavy)
                sec.add(name, f"{value * 1000:.0f} ms", f"{floor * 1000:.0f} ms",
                        f"{value / floor:.2f}×", target, result)
                sec.notes.append(f"{name}: {count} modules, {value_list(heavy)}")
            sec.notes.append(f"vs python -c pass ({bare * 1000:.0f} ms): " + ", ".join(
                f"{name} {median(samples[name + suffix]) / bare:.1f}×" for name in commands))
        out.header.append(f"load average at the end {os.getloadavg()[0]:.2f}")
        print(out.render())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def value_list(heavy: list[str]) -> str:
    return "heavy: " + ", ".join(heavy) if heavy else "none of the heavy modules"


if __name__ == "__main__":
    sys.exit(main())
