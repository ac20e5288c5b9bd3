"""HQ casework through the real command line: each casework record's life, the reply
deadline, the reprisals file and its consent rule, acknowledgements, and bad input.

One HQ store for the module (received records come in a real bundle from a field device);
tests that change shared state use their own records.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers.cli import assert_user_error
from helpers.hqdb import HQ_BACKENDS, new_hq_database
from helpers.hqkit import (
    CANARY,
    World,
    consent,
    export,
    files_containing,
    make_world,
    ok,
    sign_bundle,
)

from hrd_field.core.records import (
    Cooperation,
    PartialDate,
    Person,
    Place,
    ReprisalIncident,
    ThreatReport,
)


@dataclass
class Casework:
    world: World
    woman: str
    man: str
    reprisal_sg: str  # consent allows the Secretary-General's report
    reprisal_private: str  # internal only
    reprisal_again: str  # the same woman, later
    threat_private: str  # no consent to raise it with the State

    def hq(self, *args: str | Path) -> object:
        return self.world.hrd(*args, "--store", self.world.store_dir)


def _consent(raise_with_state: bool, publish: bool = False) -> object:
    c = consent()
    c.scope.raise_with_state = raise_with_state
    c.scope.publish_anonymised = publish
    return c


@pytest.fixture(scope="module", params=HQ_BACKENDS)
def cw(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Casework:
    database = new_hq_database(request, request.param)
    root = tmp_path_factory.mktemp("casework")
    woman = Person(alias="Defender A", gender="woman", rights_defended=["womens_rights"],
                   location=Place(country="CO"), status="final", consent=_consent(True))
    man = Person(alias="Defender B", gender="man", location=Place(country="CO"),
                 status="final", consent=_consent(True))

    def reprisal(person: Person, when: str, act: str) -> ReprisalIncident:
        return ReprisalIncident(
            person_ids=[person.id], threat_types=["travel_ban"], status="final",
            incident_date=PartialDate(date=when), place=Place(country="CO"),
            cooperation=Cooperation(with_whom=["hrc_session"]), consent_to_act=act,
            consent=_consent(act != "internal_only", act == "sg_report"),
            description=CANARY)

    first = reprisal(woman, "2025-01-10", "sg_report")
    private = reprisal(man, "2025-02-01", "internal_only")
    again = reprisal(woman, "2025-06-01", "raise_confidentially")
    threat = ThreatReport(person_ids=[man.id], threat_types=["death_threat"], status="final",
                          place=Place(country="CO"), consent=_consent(False))
    world = make_world(root, records=[woman, man, first, private, again, threat],
                       database=database)
    bundles = export(world.field, root / "out")
    ok(world.hrd("hq", "import", *bundles, "--store", world.store_dir))
    return Casework(world, woman.id, man.id, first.id, private.id, again.id, threat.id)


def _json(res: object) -> object:
    return json.loads(ok(res).stdout)  # type: ignore[arg-type]


def _add(cw: Casework, record_type: str, body: dict[str, object] | str,
         tmp_path: Path) -> str:
    path = tmp_path / f"{record_type}.json"
    path.write_text(body if isinstance(body, str) else json.dumps(body), encoding="utf-8")
    return ok(cw.hq("record", "add", "--type", record_type, "--json", path)).stdout.strip()


def _get(cw: Casework, record_id: str) -> dict[str, object]:
    return _json(cw.hq("record", "get", record_id, "--json"))  # type: ignore[return-value]


# --- communications --------------------------------------------------------------------------


def test_communication_life_links_reply_reminder_and_status(cw: Casework,
                                                             tmp_path: Path) -> None:
    cid = _add(cw, "communication", {
        "kind": "urgent_appeal", "reference": "UA COL 3/2026", "state": "CO",
        "joint_with": ["Special Rapporteur on freedom of expression"],
        "sent_on": "2026-01-15", "status": "sent",
        "record_ids": [cw.woman, cw.reprisal_sg],
        "individuals": {"women": 1, "men": 0, "non_binary": 0, "not_stated": 0},
        "subjects": ["reprisal_for_cooperation", "women_defenders"]}, tmp_path)
    got = _get(cw, cid)
    assert got["reply_due"] == "2026-03-16"  # 15 January + 60 days
    assert got["region"] == "americas"
    assert got["version"] == 1

    listed = _json(cw.hq("record", "list", "--type", "communication", "--json"))
    assert cid in {r["id"] for r in listed}  # type: ignore[union-attr]

    got["reminders"] = [{"sent_on": "2026-03-20", "note": "first reminder"}]
    path = tmp_path / "upd.json"
    path.write_text(json.dumps(got), encoding="utf-8")
    ok(cw.hq("record", "update", cid, "--json", path))
    got = _get(cw, cid)
    got["replies"] = [{"received_on": "2026-04-02", "assessment": "incomplete"}]
    got["status"] = "closed"
    path.write_text(json.dumps(got), encoding="utf-8")
    ok(cw.hq("record", "update", cid, "--json", path))
    final = _get(cw, cid)
    assert final["version"] == 3
    assert final["status"] == "closed"
    assert final["replies"] == [{"received_on": "2026-04-02", "assessment": "incomplete",
                                 "reference": "", "summary": ""}]
    assert final["reminders"][0]["sent_on"] == "2026-03-20"  # type: ignore[index]


@pytest.mark.parametrize(("sent_on", "days", "due"), [
    ("2024-01-01", 60, "2024-03-01"),   # across February of a leap year
    ("2023-01-01", 60, "2023-03-02"),   # and of a common year
    ("2024-12-31", 60, "2025-03-01"),   # across the year end
    ("2024-02-29", 365, "2025-02-28"),  # from a leap day
    ("2025-08-31", 30, "2025-09-30"),   # month ends
])
def test_reply_due_is_sent_on_plus_the_reply_period(cw: Casework, tmp_path: Path,
                                                    sent_on: str, days: int, due: str) -> None:
    cid = _add(cw, "communication", {"kind": "other_letter", "state": "FR", "status": "sent",
                                     "sent_on": sent_on, "reply_period_days": days}, tmp_path)
    assert _get(cw, cid)["reply_due"] == due


def test_due_board_by_date_in_hq_time_zone(tmp_path: Path, hq_database: str | None) -> None:
    world = make_world(tmp_path / "w", database=hq_database)

    def hq(*args: str | Path) -> object:
        return world.hrd(*args, "--store", world.store_dir)

    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps(c) for c in [
        {"kind": "urgent_appeal", "reference": "UA 1", "state": "KE", "status": "sent",
         "sent_on": "2026-01-01"},  # due 2 March
        {"kind": "urgent_appeal", "reference": "UA 2", "state": "KE", "status": "sent",
         "sent_on": "2025-11-01", "reminders": [{"sent_on": "2026-01-05"}]},  # due 31 Dec
        {"kind": "letter_of_allegation", "reference": "AL 3", "state": "KE",
         "status": "sent", "sent_on": "2025-10-01",
         "replies": [{"received_on": "2025-11-01", "assessment": "substantive"}]},
        {"kind": "other_letter", "reference": "OL 4", "state": "KE", "status": "draft"},
    ]) + "\n", encoding="utf-8")
    ok(hq("record", "add", "--type", "communication", "--json", path))

    def board(as_of: str, *extra: str) -> dict[str, set[str]]:
        out = _json(hq("hq", "due", "--json", "--as-of", as_of, *extra))
        groups: dict[str, set[str]] = {}
        for item in out["items"]:  # type: ignore[index]
            groups.setdefault(item["category"], set()).add(item["reference"])
        return groups

    # 1 March 23:30 UTC is already 2 March in Geneva: UA 1 is due today, not tomorrow.
    at_night = _json(hq("hq", "due", "--json", "--as-of", "2026-03-01T23:30:00Z"))
    assert at_night["today"] == "2026-03-02"  # type: ignore[index]
    # UA 2 was due on 31 December; its reminder of 5 January covers it for 30 days
    assert board("2026-01-20") == {"overdue": {"UA 2"}}
    assert board("2026-02-03") == {"overdue": {"UA 2"}}
    assert board("2026-02-04") == {"overdue": {"UA 2"}, "reminder_due": {"UA 2"}}
    assert board("2026-02-24") == {"due_soon": {"UA 1"}, "overdue": {"UA 2"},
                                   "reminder_due": {"UA 2"}}
    assert board("2026-03-02") == {"due_soon": {"UA 1"}, "overdue": {"UA 2"},
                                   "reminder_due": {"UA 2"}}
    assert board("2026-03-03") == {"overdue": {"UA 1", "UA 2"},
                                   "reminder_due": {"UA 1", "UA 2"}}
    assert board("2026-02-20", "--days", "10") == {"due_soon": {"UA 1"},
                                                   "overdue": {"UA 2"},
                                                   "reminder_due": {"UA 2"}}
    assert "due_soon" not in board("2026-02-20")

    # the HQ time zone is configurable: in Los Angeles it is still 1 March
    ok(hq("hq", "settings", "--timezone", "America/Los_Angeles", "--reply-days", "30"))
    assert _json(hq("hq", "due", "--json", "--as-of", "2026-03-01T23:30:00Z")
                 )["today"] == "2026-03-01"  # type: ignore[index]
    path.write_text(json.dumps({"kind": "urgent_appeal", "state": "KE", "status": "sent",
                                "sent_on": "2026-01-31"}), encoding="utf-8")
    new_id = ok(hq("record", "add", "--type", "communication", "--json", path)).stdout.strip()
    assert _json(hq("record", "get", new_id, "--json"))["reply_due"] == "2026-03-02"  # type: ignore[index]
    assert_user_error(hq("hq", "settings", "--timezone", "Mars/Olympus"), "Mars/Olympus")


def test_batch_of_json_lines_is_all_or_nothing_and_names_the_line(cw: Casework,
                                                                  tmp_path: Path) -> None:
    before = len(_json(cw.hq("record", "list", "--type", "communication", "--json",
                             "--limit", "1000")))  # type: ignore[arg-type]
    lines = [json.dumps({"kind": "urgent_appeal", "reference": f"UA X {i}/2019",
                         "state": "PE", "status": "sent", "sent_on": "2019-05-01"})
             for i in range(4)]
    lines[2] = json.dumps({"kind": "urgent_appeal", "state": "PE", "status": "sent",
                           "sent_on": "2019-05-01",
                           "replies": [{"received_on": "2019-04-01", "assessment": "none"}]})
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = cw.hq("record", "add", "--type", "communication", "--json", path)
    assert_user_error(res, "Line 3", "replies.0.received_on")
    after = _json(cw.hq("record", "list", "--type", "communication", "--json", "--limit",
                        "1000"))
    assert len(after) == before  # type: ignore[arg-type]

    arr = tmp_path / "batch.json"
    arr.write_text(json.dumps([json.loads(line) for line in lines[:2]] + [
        {"kind": "urgent_appeal", "state": "PE", "status": "sent", "sent_on": "2019-05-01",
         "record_ids": ["00000000-0000-4000-8000-000000000000"]}]), encoding="utf-8")
    assert_user_error(cw.hq("record", "add", "--type", "communication", "--json", arr),
                      "Record 3", "HQ holds no record")
    path.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    ids = ok(cw.hq("record", "add", "--type", "communication", "--json", path)
             ).stdout.split()
    assert len(ids) == 2


@pytest.mark.parametrize(("body", "words"), [
    ({"kind": "urgent_appeal", "state": "XK1", "status": "sent", "sent_on": "2026-01-01"},
     ("state",)),
    ({"kind": "urgent_appeal", "state": "QQ", "status": "sent", "sent_on": "2026-01-01"},
     ("state", "ISO 3166-1")),
    ({"kind": "urgent_appeal", "state": "CO", "status": "sent", "sent_on": "2026-01-10",
      "replies": [{"received_on": "2026-01-09", "assessment": "substantive"}]},
     ("replies.0.received_on", "2026-01-10")),
    ({"kind": "urgent_appeal", "state": "CO", "status": "sent", "sent_on": "2026-01-10",
      "record_ids": ["11111111-1111-4111-8111-111111111111"]},
     ("record_ids.0", "HQ holds no record")),
    ({"kind": "urgent_appeal", "status": "sent", "sent_on": "2026-01-10"}, ("state",)),
])
def test_bad_communications_are_refused_in_one_line(cw: Casework, tmp_path: Path,
                                                     body: dict[str, object],
                                                     words: tuple[str, ...]) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    res = cw.hq("record", "add", "--type", "communication", "--json", path)
    assert res.returncode == 1 and "Traceback" not in res.stderr  # type: ignore[attr-defined]
    for word in words:
        assert word in res.stderr, res.stderr  # type: ignore[attr-defined]


def test_links_need_consent_to_raise_the_case_with_the_state(cw: Casework,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    for rid in (cw.threat_private, cw.reprisal_private):
        path.write_text(json.dumps({"kind": "urgent_appeal", "state": "CO", "status": "draft",
                                    "record_ids": [rid]}), encoding="utf-8")
        res = cw.hq("record", "add", "--type", "communication", "--json", path)
        assert res.returncode == 1 and "consent" in res.stderr  # type: ignore[attr-defined]


def test_a_communication_is_refused_at_a_field_vault(cw: Casework, tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"kind": "urgent_appeal", "state": "CO"}), encoding="utf-8")
    assert_user_error(cw.world.hrd("record", "add", "--type", "communication", "--json", path,
                                   "--vault", cw.world.vault_dir), "--store")
    res = cw.world.hrd("record", "add", "--type", "communication", "--json", path,
                       "--store", cw.world.vault_dir)
    assert_user_error(res, "field vault")


def test_a_bundle_carrying_a_communication_is_rejected(tmp_path: Path,
                                                       hq_database: str | None) -> None:
    world = make_world(tmp_path / "w", database=hq_database)
    line = json.dumps({"type": "communication", "kind": "urgent_appeal", "state": "CO",
                       "id": "22222222-2222-4222-8222-222222222222"}).encode() + b"\n"
    bundle = sign_bundle(tmp_path / "b", world.device, world.recipients, 1, line,
                         counts={"communication": 1})
    res = world.hrd("hq", "import", bundle, "--store", world.store_dir, "--json")
    assert "headquarters only" in res.stdout + res.stderr
    listed = _json(world.hrd("record", "list", "--store", world.store_dir, "--json"))
    assert listed == []


# --- recommendations and legislation ---------------------------------------------------------


def test_recommendation_status_history_gives_the_current_status(cw: Casework,
                                                                tmp_path: Path) -> None:
    rid = _add(cw, "recommendation", {
        "source": {"visit": "Official visit to Colombia, 2018", "report_symbol":
                   "A/HRC/43/51/Add.1", "paragraph": "98"},
        "country": "CO", "addressee": "government", "theme": "protection_mechanism",
        "text": "Strengthen the national protection unit and consult defenders.",
        "status_history": [{"date": "2020-03-01", "status": "not_implemented",
                            "source": "follow-up letter"}]}, tmp_path)
    rec = _get(cw, rid)
    assert rec["implementation_status"] == "not_implemented"
    history = rec["status_history"]
    history.insert(0, {"date": "2023-05-10", "status": "partially_implemented",  # type: ignore[attr-defined]
                       "source": "follow-up visit", "notes": ""})
    path = tmp_path / "r.json"
    path.write_text(json.dumps(rec), encoding="utf-8")
    ok(cw.hq("record", "update", rid, "--json", path))
    assert _get(cw, rid)["implementation_status"] == "partially_implemented"
    path.write_text(json.dumps({"country": "CO", "text": ""}), encoding="utf-8")
    res = cw.hq("record", "add", "--type", "recommendation", "--json", path)
    assert res.returncode == 1 and "text" in res.stderr  # type: ignore[attr-defined]


def test_legislation_links_communications_only(cw: Casework, tmp_path: Path) -> None:
    cid = _add(cw, "communication", {"kind": "other_letter", "state": "HU", "status": "sent",
                                     "sent_on": "2025-04-01", "subjects": ["legislation"]},
               tmp_path)
    lid = _add(cw, "legislation", {
        "country": "HU", "title": "Act on the transparency of foreign-funded organisations",
        "kind": "bill", "effect": "restrictive", "topics": ["foreign_agents"],
        "status_history": [{"date": "2025-03-01", "status": "draft"},
                           {"date": "2025-06-01", "status": "adopted"}],
        "communication_ids": [cid]}, tmp_path)
    assert _get(cw, lid)["legislative_status"] == "adopted"
    path = tmp_path / "l.json"
    path.write_text(json.dumps({"country": "HU", "title": "X",
                                "communication_ids": [cw.woman]}), encoding="utf-8")
    res = cw.hq("record", "add", "--type", "legislation", "--json", path)
    assert res.returncode == 1 and "communication_ids.0" in res.stderr  # type: ignore[attr-defined]


# --- the reprisals file ------------------------------------------------------------------------


def test_sg_report_inclusion_needs_consent(cw: Casework) -> None:
    assert_user_error(cw.hq("hq", "annotate", cw.reprisal_private, "--sg-report", "2026"),
                      "consent")
    assert _get(cw, cw.reprisal_private)["hq_annotation"] is None
    note = _json(cw.hq("hq", "annotate", cw.reprisal_sg, "--sg-report", "2026", "--json"))
    assert note["sg_report_year"] == 2026  # type: ignore[index]


def test_repeat_victim_and_linked_communication(cw: Casework, tmp_path: Path) -> None:
    cid = _add(cw, "communication", {"kind": "urgent_appeal", "state": "CO", "status": "sent",
                                     "sent_on": "2025-06-10", "record_ids": [cw.reprisal_again]},
               tmp_path)
    note = _json(cw.hq("hq", "annotate", cw.reprisal_again, "--repeat-victim", "auto",
                       "--communication", cid, "--json"))
    assert note["repeat_victim"] is True  # type: ignore[index]
    assert note["communication_ids"] == [cid]  # type: ignore[index]
    first = _json(cw.hq("hq", "annotate", cw.reprisal_sg, "--repeat-victim", "auto",
                        "--json"))
    assert first["repeat_victim"] is False  # type: ignore[index]
    assert_user_error(cw.hq("hq", "annotate", cw.reprisal_again, "--communication", cw.woman),
                      "communication_ids.0")
    assert_user_error(cw.hq("hq", "annotate", cw.woman, "--repeat-victim", "yes"),
                      "not a reprisal")


def test_hq_notes_survive_a_newer_field_version(tmp_path: Path,
                                                hq_database: str | None) -> None:
    woman = Person(alias="Defender C", gender="woman", status="final", consent=_consent(True))
    incident = ReprisalIncident(
        person_ids=[woman.id], threat_types=["arbitrary_detention"], status="final",
        cooperation=Cooperation(with_whom=["upr"]), consent_to_act="sg_report",
        consent=_consent(True, True))
    world = make_world(tmp_path / "w", records=[woman, incident], database=hq_database)
    ok(world.hrd("hq", "import", *export(world.field, tmp_path / "o1"), "--store",
                 world.store_dir))
    ok(world.hrd("hq", "annotate", incident.id, "--sg-report", "2026", "--notes",
                 "seen by the desk", "--store", world.store_dir))
    with world.vault() as vault:
        current = vault.records.get(incident.id)
        assert isinstance(current, ReprisalIncident)
        current.description = "detained again in March"
        vault.records.update(current)
    ok(world.hrd("hq", "import", *export(world.field, tmp_path / "o2", since_last=True),
                 "--store", world.store_dir))
    got = _json(world.hrd("record", "get", incident.id, "--json", "--store", world.store_dir))
    assert got["version"] == 2  # type: ignore[index]
    assert got["description"] == "detained again in March"  # type: ignore[index]
    assert got["hq_annotation"]["sg_report_year"] == 2026  # type: ignore[index]
    assert got["hq_annotation"]["notes"] == "seen by the desk"  # type: ignore[index]
    assert "hq_annotation" not in json.dumps(
        _json(world.hrd("record", "get", incident.id, "--json", "--vault", world.vault_dir)))


# --- acknowledgements --------------------------------------------------------------------------


def test_acknowledgement_text_is_recorded_as_sent(cw: Casework, tmp_path: Path) -> None:
    out = tmp_path / "ack.txt"
    ok(cw.hq("hq", "acknowledge", cw.reprisal_sg, "--language", "fr", "--out", out))
    text = out.read_text(encoding="utf-8")
    assert "60" in text and CANARY not in text and "Defender A" not in text
    got = _get(cw, cw.reprisal_sg)
    assert [a["language"] for a in got["acknowledgements"]] == ["fr"]  # type: ignore[union-attr]
    assert_user_error(cw.hq("hq", "acknowledge", cw.reprisal_sg, "--language", "fr", "--out",
                            out), "--force")
    res = cw.hq("hq", "acknowledge", cw.reprisal_sg, "--language", "de", "--out", out)
    assert res.returncode == 2  # type: ignore[attr-defined]


def test_no_plaintext_of_casework_on_disk(cw: Casework) -> None:
    assert files_containing(cw.world.store_dir, [CANARY.encode()]) == []
