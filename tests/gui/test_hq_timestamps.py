"""HQ's inbox, devices and received records show times as every other list does: the date in
the language's order and digits (Arabic-Indic in Arabic), then the time; rows stay in the
order of the stored time, and a device's "last seen" is its latest import by time."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import PASSPHRASE
from helpers.hqkit import export, jsonl, make_world, person, sign_bundle

from hrd_field.bundle import SigningKey
from hrd_field.gui.dates import format_number, format_stamp
from hrd_field.hq.importer import import_bundle
from hrd_field.hq.store import HqStore

# Bundle 1 arrived last (sent again from a stick), so time order and sequence order differ,
# and "15/11/2026" sorts after "02/12/2026" as text: only the stored time orders them right.
LATER, EARLIER = "2026-12-02T10:30:00.000000Z", "2026-11-15T09:05:00.000000Z"
ALARM_AT, KEPT_AT = "2026-12-03T08:00:00.000000Z", "2026-12-04T07:45:00.000000Z"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """An HQ store with two imported bundles, an alarm and a quarantined bundle, their times
    set; returns its folder and a received person's id."""
    root = tmp_path_factory.mktemp("hqtimes")
    rose = person("Rose")
    world = make_world(root / "w", records=[rose])
    [first] = export(world.field, root / "one")
    with world.vault() as vault:
        vault.records.create(person("Lily"))
    [second] = export(world.field, root / "two", since_last=True)
    stranger = sign_bundle(root / "q", SigningKey.generate(), world.recipients, 1,
                           jsonl([person("From nowhere")]))
    forged = sign_bundle(root / "f", world.device, world.recipients, 1,
                         jsonl([person("Someone else")]))
    with HqStore.open(world.store_dir, PASSPHRASE) as hq:
        assert import_bundle(hq, first).status == "imported"
        assert import_bundle(hq, second).status == "imported"
        assert import_bundle(hq, stranger).status == "unknown_device"
        import_bundle(hq, forged)  # the same sequence, other content: an alarm
        assert hq.vault is not None
        with hq.vault.db.transaction() as c:
            c.execute("UPDATE hq_bundles SET imported_at = CASE seq WHEN 1 THEN ? ELSE ? END",
                      (LATER, EARLIER))
            c.execute("UPDATE hq_alarms SET at = ?", (ALARM_AT,))
            c.execute("UPDATE hq_quarantine SET received_at = ?", (KEPT_AT,))
            c.execute("UPDATE hq_versions SET received_at = ?", (LATER,))
    return world.store_dir, rose.id


@pytest.fixture
def open_hq(open_hq_store: Callable[[Path, str], Any],
            store: tuple[Path, str]) -> Callable[[str], Any]:
    return lambda language: open_hq_store(store[0], language).workspace


def _column(table: Any, column: int) -> list[str]:
    return [table.item(r, column).text() for r in range(table.rowCount())]


def _as_written(language: str, stamp: str, english: str) -> str:
    """What a cell must read: checked literally in English, by its digits in Arabic."""
    shown = format_stamp(stamp)
    if language == "en":
        assert shown == english
    else:
        assert not re.search(r"[0-9]", shown) and re.search(r"[٠-٩]", shown), shown
    return shown


@pytest.mark.parametrize("language", ["en", "ar"])
def test_inbox_times_are_written_in_the_language_and_ordered_by_time(
        qtbot: Any, open_hq: Callable[[str], Any], language: str) -> None:
    ws = open_hq(language)
    ws.show_section("inbox")
    inbox = ws.inbox
    qtbot.waitUntil(lambda: inbox.bundles.rowCount() >= 2 and inbox.quarantine.rowCount() == 1
                    and inbox.alarms.rowCount() >= 1, timeout=10_000)
    later = _as_written(language, LATER, "02/12/2026 10:30")
    earlier = _as_written(language, EARLIER, "15/11/2026 09:05")
    imported = list(zip(_column(inbox.bundles, 1), _column(inbox.bundles, 2), strict=True))
    one, two = format_number(1), format_number(2)  # sequence numbers in the same digits
    assert imported == [(one, later), (two, earlier)]  # newest first, by the stored time
    assert (one, two) == (("1", "2") if language == "en" else ("١", "٢"))
    assert set(_column(inbox.alarms, 0)) == {
        _as_written(language, ALARM_AT, "03/12/2026 08:00")}
    assert _column(inbox.quarantine, 0) == [_as_written(language, KEPT_AT, "04/12/2026 07:45")]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_devices_last_seen_is_the_latest_import_by_time(
        qtbot: Any, open_hq: Callable[[str], Any], language: str) -> None:
    ws = open_hq(language)
    ws.show_section("devices")
    table = ws.devices.table
    qtbot.waitUntil(lambda: table.rowCount() == 1 and table.item(0, 4).text() != "",
                    timeout=10_000)
    assert table.item(0, 3).text() == format_number(2)  # the highest sequence
    assert table.item(0, 4).text() == _as_written(language, LATER, "02/12/2026 10:30")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_received_record_provenance_and_update_time_are_written_in_the_language(
        qtbot: Any, open_hq: Callable[[str], Any], store: tuple[Path, str],
        language: str) -> None:
    ws = open_hq(language)
    ws.show_section("received")
    ws.received.show_record(store[1])
    received = _as_written(language, LATER, "02/12/2026 10:30")
    qtbot.waitUntil(lambda: received in ws.received.detail.toPlainText(), timeout=10_000)
    text = ws.received.detail.toPlainText()
    assert "2026-12-02" not in text and "T10:30" not in text
    if language == "ar":  # the version and sequence number in the same digits
        [line] = [ln for ln in text.splitlines() if received in ln]
        rest = re.sub(r"[0-9a-f]{8}", "", line.replace("laptop-1", ""))  # name, bundle id
        assert not re.search(r"[0-9]", rest) and "١" in rest, line
    assert not re.search(r"\d{4}-\d\d-\d\dT", text), text
