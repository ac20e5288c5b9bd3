"""The intake started by someone working in French says so in French on its own console, but
answers devices in English whatever its locale: devices work in any of six languages, and the
HTTP API is documented in English (a cloned device's alarm is the answer checked here)."""

from __future__ import annotations

from pathlib import Path

from helpers.synckit import Device, Hq, person


def test_the_intake_answers_devices_in_english_under_a_french_locale(
        hq: Hq, tmp_path: Path) -> None:
    profile = hq.profile()
    device = Device.create(tmp_path / "devices", "laptop-1", profile, records=[])
    hq.register("laptop-1", device.public)
    clone = device.cloned(tmp_path / "clone")  # a seized laptop copied, same device key
    with device.vault() as vault:
        vault.records.create(person("original"))
    with clone.vault() as vault:
        vault.records.create(person("forged"))
    server = hq.serve(env={"LANGUAGE": "fr", "LANG": "fr_FR.UTF-8"})
    assert device.sync_in_process().received == [1]
    report = clone.sync_in_process()
    assert not report.ok and "ALARM: device laptop-1 sent different content" in \
        report.errors[0], report.errors
    assert "Service de réception actif" in server.output()  # its own console: French


def test_a_device_working_in_french_is_told_why_in_french(hq: Hq, tmp_path: Path) -> None:
    """HQ's answer names its refusal by a code; the laptop says it in its person's language
    and keeps HQ's own words after it."""
    from hrd_field.core import i18n

    device = Device.create(tmp_path / "devices", "laptop-1", hq.profile(),
                           records=[person("not registered")])
    hq.serve()
    i18n.set_language("fr")
    try:
        report = device.sync_in_process()
    finally:
        i18n.set_language("en")
    assert not report.ok
    assert "Le siège ne connaît pas cet ordinateur, ou l'a révoqué" in report.errors[0]
    assert "(réponse du siège : unknown or revoked device)" in report.errors[0], report.errors
