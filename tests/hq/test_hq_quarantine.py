"""Bundles HQ keeps in quarantine are listed with the importer's decision (``hq quarantine``,
and the inbox of the HQ workspace: tests/gui/test_hq_quarantine_and_replies.py), on both
backends."""

from __future__ import annotations

from pathlib import Path

from helpers.hqkit import jsonl, make_world, ok, person, sign_bundle

from hrd_field.bundle import SigningKey


def test_a_bundle_from_an_unknown_device_is_listed_with_its_decision(
        tmp_path: Path, hq_database: str | None) -> None:
    world = make_world(tmp_path / "w", database=hq_database)
    stranger = SigningKey.generate()
    bundle = sign_bundle(tmp_path / "b", stranger, world.recipients, 1,
                         jsonl([person("From nowhere")]))
    res = world.hrd("hq", "import", bundle, "--store", world.store_dir)
    assert res.returncode == 1 and "quarantine" in res.stderr, res
    [kept] = ok(world.hrd("hq", "quarantine", "--json", "--store", world.store_dir)).json()
    assert kept["reason"] == "unknown_device" and kept["sender"] is None
    assert Path(kept["file"]).is_file()
    assert Path(kept["file"]).read_bytes() == bundle.read_bytes()  # kept as it came
    text = ok(world.hrd("hq", "quarantine", "--store", world.store_dir)).stdout
    assert "from an import by hand: Signed by a device HQ has not registered" in text, text
    # Once the device is registered, the file imports.
    ok(world.hrd("hq", "device", "add", stranger.public_key().to_base64(), "--name",
                 "late-laptop", "--store", world.store_dir))
    assert "Imported 1 record" in ok(world.hrd("hq", "import", kept["file"], "--store",
                                               world.store_dir)).stdout


def test_an_empty_quarantine_says_so(tmp_path: Path) -> None:
    world = make_world(tmp_path / "w")
    assert ok(world.hrd("hq", "quarantine", "--store", world.store_dir)).stdout.strip() == \
        "No bundle is in quarantine."
