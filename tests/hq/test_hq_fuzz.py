"""Property: whatever bytes arrive, ``import_bundle`` answers with a known status, never an
exception, and the store changes only when the answer is "imported" — and then it holds
exactly what the intact bundle carries."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers.hqkit import (
    CANARY,
    PASSPHRASE,
    STATUSES,
    content,
    counts_of,
    header_length,
    jsonl,
    make_world,
    person,
    sign_bundle,
    snapshot,
    threat,
)
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from hrd_field.hq.importer import import_bundle
from hrd_field.hq.store import HqStore


@dataclass
class Target:
    bundle: bytes
    header: int
    pristine: Path
    store_dir: Path
    scratch: Path
    reference: dict  # type: ignore[type-arg]
    store: HqStore

    def reset(self) -> None:
        self.store.close()
        shutil.rmtree(self.store_dir)
        shutil.copytree(self.pristine, self.store_dir)
        self.store = HqStore.open(self.store_dir, PASSPHRASE)


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("fuzz")
    world = make_world(root / "w")
    people = [person(f"Fuzzed {i}", notes=f"{CANARY} {i}") for i in range(3)]
    records = [*people, threat("A threat", person_ids=[people[0].id])]
    path = sign_bundle(root / "b", world.device, world.recipients, 1, jsonl(records),
                       attachments=[os.urandom(3000), b"second attachment"],
                       counts=counts_of(records))
    bundle = path.read_bytes()
    pristine = root / "pristine"
    shutil.copytree(world.store_dir, pristine)
    with world.store() as store:  # what the intact bundle gives
        assert import_bundle(store, path).status == "imported"
        reference = content(store)
    shutil.rmtree(world.store_dir)
    shutil.copytree(pristine, world.store_dir)
    t = Target(bundle, header_length(bundle), pristine, world.store_dir, root / "scratch",
               reference, HqStore.open(world.store_dir, PASSPHRASE))
    t.scratch.mkdir()
    yield t
    t.store.close()


def _position(size: int, header: int) -> st.SearchStrategy[int]:
    # Half of the mutations hit the age header and nonce, where parsing is most intricate.
    return st.one_of(st.integers(0, min(header + 16, size - 1)), st.integers(0, size - 1))


@st.composite
def mutated(draw: st.DrawFn, data: bytes, header: int) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 3))):
        size = len(out)
        if size == 0:
            out += draw(st.binary(max_size=64))
            continue
        pos = draw(_position(size, min(header, size - 1)))
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "replace",
                                     "append", "duplicate"]))
        if kind == "flip":
            out[pos] ^= 1 << draw(st.integers(0, 7))
        elif kind == "truncate":
            del out[pos:]
        elif kind == "insert":
            out[pos:pos] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "delete":
            del out[pos:pos + draw(st.integers(1, 70_000))]
        elif kind == "replace":
            chunk = draw(st.binary(min_size=1, max_size=32))
            out[pos:pos + len(chunk)] = chunk
        elif kind == "append":
            out += draw(st.binary(min_size=1, max_size=64))
        else:  # a slice of the file repeated (e.g. a stanza or a chunk twice)
            end = min(size, pos + draw(st.integers(1, 70_000)))
            out[end:end] = out[pos:end]
    return bytes(out)


@settings(max_examples=80, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_any_mutation_gives_a_known_status_and_all_or_nothing(target: Target,
                                                             data: st.DataObject) -> None:
    blob = data.draw(mutated(target.bundle, target.header), label="bundle")
    path = target.scratch / "incoming.hrdb"
    path.write_bytes(blob)
    before = snapshot(target.store)
    outcome = import_bundle(target.store, path)  # must not raise
    assert outcome.status in STATUSES
    event(outcome.status)
    assert outcome.exit_code in (0, 1)
    assert CANARY not in outcome.message
    if outcome.status == "imported":
        assert content(target.store) == target.reference
        target.reset()
    else:
        assert outcome.status != "duplicate"  # the store never holds this bundle
        assert snapshot(target.store) == before, (outcome.status, outcome.message)
