"""The ``hrd-field`` command as users and scripts run it: a real subprocess, a real vault.

Contract: exit 0 on success; 1 for an error the user can act on, with a clear message on
stderr and no traceback, and nothing changed; 2 for usage errors.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import PASSPHRASE
from helpers.cli import assert_user_error, dumps, run_cli
from helpers.samples import full_records

from hrd_field.core import codec
from hrd_field.core.fields import LONG_TEXT_MAX
from hrd_field.core.records import (
    Consultation,
    Mission,
    Person,
    Record,
    ReprisalIncident,
    ThreatReport,
)
from hrd_field.vault.vault import Vault

Cli = Callable[..., Any]

SERVER_SET = ("id", "created_at", "updated_at", "version", "author")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.fixture
def vcli(cli: Cli, vault_dir: Path) -> Cli:
    """The cli fixture with an initialised vault whose owner is 'alice'.

    Created in-process (the vault API is what ``vault init`` calls) to keep the suite fast;
    ``vault init`` itself is tested below.
    """
    Vault.create(vault_dir, PASSPHRASE, actor="alice").close()
    return cli


def seed(vault_dir: Path, *records: Record) -> list[str]:
    """Put records in the vault directly (setup only), returning their ids."""
    with Vault.unlock(vault_dir, PASSPHRASE) as v:
        return [v.records.create(r).id for r in records]


def state(vault_dir: Path, passphrase: str = PASSPHRASE) -> list[dict[str, Any]]:
    """Every live record, as the vault holds it: to show that nothing changed."""
    with Vault.unlock(vault_dir, passphrase) as v:
        return [codec.to_dict(r) for r in v.records.page(limit=1000, order_by="created_at")]


def add(cli: Cli, rtype: str, data: dict[str, Any], *, tmp: Path | None = None) -> str:
    """Add a record from stdin, or from a file when ``tmp`` is given; returns its id."""
    if tmp is not None:
        src = tmp / f"{uuid.uuid4().hex}.json"
        src.write_text(dumps(data), encoding="utf-8")
        res = cli("record", "add", "--type", rtype, "--json", str(src))
    else:
        res = cli("record", "add", "--type", rtype, "--json", "-", input=dumps(data))
    assert res.returncode == 0, res.stderr
    rid = res.stdout.strip()
    assert UUID_RE.match(rid), res.stdout
    return rid


def get(cli: Cli, rid: str) -> dict[str, Any]:
    res = cli("record", "get", rid, "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert isinstance(data, dict)
    return data


def list_json(cli: Cli, *args: str) -> list[dict[str, Any]]:
    res = cli("record", "list", "--json", *args)
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert isinstance(data, list)
    return data


def client_view(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in SERVER_SET}


def sample_payloads(mission_id: str | None) -> list[dict[str, Any]]:
    """The fully populated samples as a client sends them: no server-set fields."""
    out = []
    for record in full_records():
        data = client_view(codec.to_dict(record))
        data["mission_id"] = None if record.TYPE == "mission" else mission_id
        out.append(data)
    return out


def test_suite_passphrase_matches_conftest(passfile: Path) -> None:
    assert passfile.read_text(encoding="utf-8").splitlines()[0] == PASSPHRASE


# --- round trips -------------------------------------------------------------------------


@pytest.mark.parametrize("via", ["file", "stdin"])
def test_every_record_type_round_trips(vcli: Cli, tmp_path: Path, via: str) -> None:
    payloads = sample_payloads(None)
    mission = payloads[0]
    mission_id = add(vcli, "mission", mission, tmp=tmp_path if via == "file" else None)
    sent = {mission_id: mission}
    for data in sample_payloads(mission_id)[1:]:
        rid = add(vcli, data["type"], data, tmp=tmp_path if via == "file" else None)
        sent[rid] = data
    listed = {r["id"]: r for r in list_json(vcli)}
    assert set(listed) == set(sent)
    for rid, data in sent.items():
        # 'get' for records sent on stdin, the listing for those sent as files (both show
        # the whole record; the listing must equal 'get', checked for the stdin variant)
        got = get(vcli, rid) if via == "stdin" else listed[rid]
        assert got["id"] == rid
        assert client_view(got) == data, data["type"]
        assert got["version"] == 1
        assert got["author"] == "alice"
        assert got["created_at"] == got["updated_at"]
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", got["created_at"])
        assert listed[rid] == got


def test_client_supplied_id_is_kept_and_cannot_be_reused(vcli: Cli) -> None:
    rid = str(uuid.uuid4())
    assert add(vcli, "person", {"id": rid, "alias": "وردة", "notes": "人权"}) == rid
    res = vcli("record", "add", "--type", "person", "--json", "-",
               input=dumps({"id": rid, "alias": "Other"}))
    assert_user_error(res, "already exists")
    # the plain-text 'get' shows the record, in its scripts
    res = vcli("record", "get", rid)
    assert res.returncode == 0
    assert "وردة" in res.stdout and "人权" in res.stdout and "Other" not in res.stdout


def test_list_filters_by_type_and_mission(vcli: Cli, vault_dir: Path) -> None:
    m1, m2 = seed(vault_dir, Mission(title="Visit one", country="KE"),
                  Mission(title="Visit two", country="MX"))
    p1, p0, c1, t2 = seed(
        vault_dir, Person(alias="P1", mission_id=m1), Person(alias="P0"),
        Consultation(mission_id=m1, summary="women-only session"),
        ThreatReport(mission_id=m2, description="threat"))

    def ids(*args: str) -> set[str]:
        return {r["id"] for r in list_json(vcli, *args)}

    assert ids() == {m1, m2, p1, p0, c1, t2}
    assert ids("--type", "person") == {p1, p0}
    assert ids("--mission", m1) == {p1, c1}
    assert ids("--mission", m2) == {t2}
    assert ids("--type", "consultation", "--mission", m1) == {c1}
    assert ids("--type", "person", "--mission", m2) == set()
    # the plain listing shows one line per record, with its id and type
    res = vcli("record", "list", "--type", "person")
    assert res.returncode == 0
    lines = res.stdout.strip().splitlines()
    assert len(lines) == 2
    assert {line.split()[0] for line in lines} == {p1, p0}
    assert all(" person " in line for line in lines)


def test_env_var_names_the_vault(vcli: Cli, passfile: Path) -> None:
    add(vcli, "person", {"alias": "Rose"})
    res = vcli("record", "list", "--passphrase-file", str(passfile), vault=False)
    assert res.returncode == 0, res.stderr
    assert "Rose" in res.stdout


# --- update and delete --------------------------------------------------------------------


def test_update_with_current_version_saves_a_new_version(vcli: Cli, vault_dir: Path) -> None:
    rid = add(vcli, "person", {"alias": "Rose", "notes": "first"})
    v1 = get(vcli, rid)
    change = client_view(v1) | {"version": 1, "notes": "second / ثانية", "gender": "woman"}
    res = vcli("record", "update", rid, "--json", "-", input=dumps(change))
    assert res.returncode == 0, res.stderr
    assert "version 2" in res.stdout
    v2 = get(vcli, rid)
    assert v2["version"] == 2
    assert v2["notes"] == "second / ثانية" and v2["gender"] == "woman"
    assert v2["created_at"] == v1["created_at"]
    assert v2["updated_at"] >= v1["updated_at"]
    assert state(vault_dir) == [v2]


def test_update_with_stale_version_is_refused_and_changes_nothing(vcli: Cli, vault_dir: Path,
                                                                  tmp_path: Path) -> None:
    (rid,) = seed(vault_dir, Person(alias="Rose"))
    edit = tmp_path / "edit.json"
    edit.write_text(dumps({"alias": "Rose 2", "version": 1}), encoding="utf-8")
    assert vcli("record", "update", rid, "--json", str(edit)).returncode == 0
    before = state(vault_dir)
    assert before[0]["alias"] == "Rose 2" and before[0]["version"] == 2
    # a second copy edited from version 1
    stale = dumps({"alias": "Rose stale", "version": 1})
    res = vcli("record", "update", rid, "--json", "-", input=stale)
    assert_user_error(res, "version")
    assert state(vault_dir) == before


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        ({"alias": "x", "version": 1, "id": "00000000-0000-4000-8000-000000000000"},
         ("another id",)),
        ({"type": "mission", "title": "x", "version": 1}, ("person",)),
        ({"alias": "x", "version": 1, "gender": "female"}, ("gender",)),
    ],
    ids=["other-id", "other-type", "invalid"],
)
def test_bad_updates_change_nothing(vcli: Cli, vault_dir: Path, payload: dict[str, Any],
                                    words: tuple[str, ...]) -> None:
    (rid,) = seed(vault_dir, Person(alias="Rose"))
    before = state(vault_dir)
    res = vcli("record", "update", rid, "--json", "-", input=dumps(payload))
    assert_user_error(res, *words)
    assert state(vault_dir) == before


def test_update_of_unknown_record(vcli: Cli) -> None:
    res = vcli("record", "update", str(uuid.uuid4()), "--json", "-",
               input=dumps({"alias": "x"}))
    assert_user_error(res, "no record")


def test_update_keeps_the_author(vcli: Cli) -> None:
    rid = add(vcli, "person", {"alias": "Rose"})
    res = vcli("record", "update", rid, "--json", "-",
               input=dumps({"alias": "Rose", "version": 1, "notes": "more"}))
    assert res.returncode == 0, res.stderr
    assert get(vcli, rid)["author"] == "alice"


def test_delete_removes_the_record_everywhere(vcli: Cli, vault_dir: Path) -> None:
    keep, gone = seed(vault_dir, Person(alias="Keep", notes="shared phrase zebra"),
                      Person(alias="Gone", notes="shared phrase zebra"))
    res = vcli("record", "delete", gone)
    assert res.returncode == 0, res.stderr
    assert_user_error(vcli("record", "get", gone, "--json"), "no record")
    assert [r["id"] for r in state(vault_dir)] == [keep]
    hits = json.loads(vcli("search", "zebra", "--json").stdout)
    assert [h["id"] for h in hits] == [keep]
    # deleting twice, or an unknown id, is a clear error
    assert_user_error(vcli("record", "delete", gone), "no record")
    # an update cannot resurrect it
    res = vcli("record", "update", gone, "--json", "-", input=dumps({"alias": "x"}))
    assert_user_error(res, "no record")


# --- search -------------------------------------------------------------------------------


def test_search_finds_text_in_every_script(vcli: Cli, vault_dir: Path) -> None:
    en, fr, ar, zh = seed(
        vault_dir,
        ThreatReport(description="Harassment of local journalists after the hydro dam "
                                 "protest"),
        Consultation(summary="La défenseuse des droits à Genève a été menacée."),
        Person(alias="وردة", notes="المدافعات عن حقوق الإنسان"),
        ReprisalIncident(description="她是人权捍卫者，会见后被跟踪。"),
    )
    seed(vault_dir, Mission(title="Unrelated visit", notes="nothing to see"))

    def hits(query: str) -> list[dict[str, Any]]:
        res = vcli("search", query, "--json")
        assert res.returncode == 0, res.stderr
        out = json.loads(res.stdout)
        assert isinstance(out, list)
        for hit in out:
            assert {"id", "type", "snippet"} <= set(hit)
        return out

    for query, rid, rtype in [
        ("journalists", en, "threat_report"),
        ("JOURNALISTS", en, "threat_report"),
        ("défenseuse", fr, "consultation"),
        ("حقوق", ar, "person"),
        ("人权", zh, "reprisal_incident"),
        ("dam protest", en, "threat_report"),
    ]:
        found = hits(query)
        assert [h["id"] for h in found] == [rid], query
        assert found[0]["type"] == rtype
        first_word = query.split()[0]
        assert first_word.lower() in found[0]["snippet"].lower(), (query, found[0])
    assert hits("nowhere-to-be-found") == []


def test_search_hits_never_show_identity_fields(vcli: Cli, vault_dir: Path) -> None:
    (rid,) = seed(vault_dir, Person(alias="Rosebud", legal_name="Fatima Haddad",
                                    contact="+961 70 123456", notes="met near the cafe"))
    for query in ("Rosebud", "Haddad"):
        res = vcli("search", query, "--json")
        assert res.returncode == 0
        for hit in json.loads(res.stdout):
            assert hit["id"] == rid
            shown = hit["snippet"] + hit.get("title", "")
            assert "Fatima" not in shown and "Haddad" not in shown and "123456" not in shown
    res = vcli("record", "list")
    assert "Haddad" not in res.stdout


def test_search_ignores_accents(vcli: Cli, vault_dir: Path) -> None:
    (rid,) = seed(vault_dir, Consultation(summary="La défenseuse a été menacée à Genève."))
    res = vcli("search", "defenseuse", "--json")
    assert [h["id"] for h in json.loads(res.stdout)] == [rid]


# --- attachments --------------------------------------------------------------------------


def test_attach_and_get_back_byte_identical(vcli: Cli, vault_dir: Path, tmp_path: Path) -> None:
    (rid,) = seed(vault_dir, Consultation(summary="recorded session"))
    content = os.urandom(3 * (1 << 20) + 12345)  # several storage chunks, ragged end
    src = tmp_path / "témoignage 证词.ogg"
    src.write_bytes(content)
    sha = hashlib.sha256(content).hexdigest()
    res = vcli("attach", rid, str(src))
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == sha
    record = get(vcli, rid)
    refs = record["attachments"]
    assert len(refs) == 1
    assert refs[0]["sha256"] == sha and refs[0]["size"] == len(content)
    assert refs[0]["filename"] == "témoignage 证词.ogg"
    assert refs[0]["media_type"] == "audio/ogg"
    assert refs[0]["may_identify"] is True
    assert record["version"] == 2

    out = tmp_path / "out.ogg"
    res = vcli("attachment", "get", sha, "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert out.read_bytes() == content
    assert os.stat(out).st_mode & 0o077 == 0  # plaintext copy readable by the user only
    # no overwrite without --force; with --force it is rewritten
    out.write_bytes(b"other")
    assert_user_error(vcli("attachment", "get", sha, "--out", str(out)), "--force")
    assert out.read_bytes() == b"other"
    assert vcli("attachment", "get", sha, "--out", str(out), "--force").returncode == 0
    assert out.read_bytes() == content
    assert not (tmp_path / "out.ogg.part").exists()
    # attaching the same content again adds no second reference
    again = vcli("attach", rid, str(src))
    assert again.returncode == 0 and again.stdout.strip() == sha
    assert len(state(vault_dir)[0]["attachments"]) == 1


def test_attachment_errors(vcli: Cli, vault_dir: Path, tmp_path: Path) -> None:
    (rid,) = seed(vault_dir, Person(alias="Rose"))
    src = tmp_path / "photo.jpg"
    src.write_bytes(b"\xff\xd8\xff fake jpeg")
    before = state(vault_dir)
    assert_user_error(vcli("attach", str(uuid.uuid4()), str(src)), "no record")
    assert_user_error(vcli("attach", rid, str(tmp_path)), "not found")
    assert_user_error(vcli("attachment", "get", "f" * 64, "--out", str(tmp_path / "x")),
                      "no attachment")
    assert not (tmp_path / "x").exists()
    assert state(vault_dir) == before


def test_demo_data_fills_the_vault(vcli: Cli, vault_dir: Path) -> None:
    pytest.importorskip("hrd_field.demo")
    res = vcli("demo-data", "--count", "60", "--seed", "5")
    assert res.returncode == 0, res.stderr
    with Vault.unlock(vault_dir, PASSPHRASE) as v:
        assert v.records.count() == 60
        assert v.check().ok


# --- bad input: exit 1, a clear message, nothing changed --------------------------------


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One vault for the read-only error cases below (each case checks nothing changed)."""
    base = tmp_path_factory.mktemp("cli-errors")
    vault = base / "vault"
    passfile = base / "pass.txt"
    passfile.write_text("correct horse battery staple\n", encoding="utf-8")
    wrong = base / "wrong.txt"
    wrong.write_text("correct horse battery stable\n", encoding="utf-8")
    with Vault.create(vault, PASSPHRASE) as v:
        person = v.records.create(Person(alias="Baseline", notes="keep")).id
        v.records.create(Mission(title="Baseline mission", country="KE"))
    return {"base": base, "vault": vault, "passfile": passfile, "wrong": wrong,
            "person": person, "before": state(vault)}


def snapshot(shared: dict[str, Any]) -> list[dict[str, Any]]:
    return state(shared["vault"])


LONG = "x" * (LONG_TEXT_MAX + 1)

BAD_INPUT: list[tuple[str, list[str], str | bytes | None, tuple[str, ...]]] = [
    ("invalid-json", ["record", "add", "--type", "person", "--json", "-"], '{"alias": ',
     ("invalid json",)),
    ("empty-input", ["record", "add", "--type", "person", "--json", "-"], "", ("json",)),
    ("duplicate-keys", ["record", "add", "--type", "person", "--json", "-"],
     '{"alias": "a", "alias": "b"}', ("twice",)),
    ("invalid-utf8", ["record", "add", "--type", "person", "--json", "-"],
     b'{"alias": "caf\xe9"}', ("utf-8",)),
    ("nan", ["record", "add", "--type", "threat_report", "--json", "-"],
     '{"risk": {"likelihood": NaN, "impact": 1}}', ("nan",)),
    ("not-an-object", ["record", "add", "--type", "person", "--json", "-"], '[{"alias": "a"}]',
     ("object",)),
    ("unknown-code", ["record", "add", "--type", "person", "--json", "-"],
     '{"alias": "a", "professions": ["freedom_fighters"]}', ("professions", "allowed codes")),
    ("unknown-field", ["record", "add", "--type", "person", "--json", "-"],
     '{"alias": "a", "real_name": "b"}', ("real_name",)),
    ("over-long", ["record", "add", "--type", "person", "--json", "-"],
     dumps({"alias": "a", "notes": LONG}), ("notes", "too long")),
    ("type-mismatch", ["record", "add", "--type", "mission", "--json", "-"],
     '{"type": "person", "alias": "a"}', ("person", "mission")),
    ("missing-required", ["record", "add", "--type", "mission", "--json", "-"],
     '{"country": "KE"}', ("title",)),
    ("end-before-start", ["record", "add", "--type", "mission", "--json", "-"],
     '{"title": "t", "start_date": "2024-05-02", "end_date": "2024-05-01"}', ("end_date",)),
    ("mission-nowhere", ["record", "add", "--type", "person", "--json", "-"],
     dumps({"alias": "a", "mission_id": "0b1e9c1e-3c4f-4a8e-9d7a-2f5c6b7a8e9d"}),
     ("no mission",)),
    ("missing-json-file", ["record", "add", "--type", "person", "--json",
                           "/nonexistent/dir/rec.json"], None, ("not found",)),
    ("get-unknown", ["record", "get", "0b1e9c1e-3c4f-4a8e-9d7a-2f5c6b7a8e9d"], None,
     ("no record",)),
]


@pytest.mark.parametrize(("args", "stdin", "words"), [c[1:] for c in BAD_INPUT],
                         ids=[c[0] for c in BAD_INPUT])
def test_bad_input_is_refused_cleanly(shared: dict[str, Any], args: list[str],
                                      stdin: str | bytes | None,
                                      words: tuple[str, ...]) -> None:
    res = run_cli(*args, vault=shared["vault"], passfile=shared["passfile"], input=stdin)
    assert_user_error(res, *words)
    assert snapshot(shared) == shared["before"]


def test_missing_attachment_file(shared: dict[str, Any]) -> None:
    before = shared["before"]
    res = run_cli("attach", shared["person"], str(shared["base"] / "no-such-photo.jpg"),
                  vault=shared["vault"], passfile=shared["passfile"])
    assert_user_error(res, "not found")
    assert snapshot(shared) == before


def test_unknown_record_type_is_a_usage_error(shared: dict[str, Any]) -> None:
    before = shared["before"]
    res = run_cli("record", "add", "--type", "diary", "--json", "-", vault=shared["vault"],
                  passfile=shared["passfile"], input='{"text": "x"}')
    assert res.returncode == 2
    assert "invalid choice" in res.stderr and "Traceback" not in res.stderr
    assert snapshot(shared) == before


def test_wrong_passphrase(shared: dict[str, Any]) -> None:
    before = shared["before"]
    res = run_cli("record", "list", vault=shared["vault"], passfile=shared["wrong"])
    assert_user_error(res, "wrong passphrase")
    res = run_cli("record", "add", "--type", "person", "--json", "-", vault=shared["vault"],
                  passfile=shared["wrong"], input='{"alias": "intruder"}')
    assert_user_error(res, "wrong passphrase")
    assert snapshot(shared) == before


def test_missing_passphrase_file(shared: dict[str, Any]) -> None:
    res = run_cli("record", "list", vault=shared["vault"],
                  passfile=shared["base"] / "nope.txt")
    assert_user_error(res, "passphrase file")


def test_no_passphrase_and_no_terminal(shared: dict[str, Any]) -> None:
    res = run_cli("record", "list", vault=shared["vault"], input="")
    assert_user_error(res, "--passphrase-file")


@pytest.mark.parametrize("command", [
    ["record", "add", "--type", "person", "--json", "-"],
    ["vault", "wipe", "--yes"],
])
@pytest.mark.parametrize("exists", [False, True], ids=["absent-dir", "empty-dir"])
def test_no_vault_at_the_path(shared: dict[str, Any], command: list[str],
                              exists: bool) -> None:
    where = shared["base"] / f"novault-{uuid.uuid4().hex}"
    if exists:
        where.mkdir()
    res = run_cli(*command, vault=where, passfile=shared["passfile"],
                  input='{"alias": "a"}')
    assert_user_error(res, "no vault")
    assert str(where) in res.stderr
    if exists:
        assert list(where.iterdir()) == [], "nothing may be created in the folder"
    else:
        assert not where.exists(), "the folder must not be created"


def test_missing_vault_reported_before_the_passphrase_is_read(shared: dict[str, Any]) -> None:
    where = shared["base"] / "elsewhere"
    res = run_cli("record", "list", vault=where, passfile=shared["base"] / "nope.txt")
    assert_user_error(res, "no vault")


def test_mission_id_must_point_to_a_mission(vcli: Cli, vault_dir: Path) -> None:
    (person,) = seed(vault_dir, Person(alias="Rose"))
    before = state(vault_dir)
    res = vcli("record", "add", "--type", "person", "--json", "-",
               input=dumps({"alias": "Other", "mission_id": person}))
    assert_user_error(res, "mission")
    assert state(vault_dir) == before


def test_update_cannot_point_to_a_missing_mission(vcli: Cli, vault_dir: Path) -> None:
    (rid,) = seed(vault_dir, Person(alias="Rose"))
    before = state(vault_dir)
    res = vcli("record", "update", rid, "--json", "-", input=dumps(
        {"alias": "Rose", "version": 1,
         "mission_id": "0b1e9c1e-3c4f-4a8e-9d7a-2f5c6b7a8e9d"}))
    assert_user_error(res, "mission")
    assert state(vault_dir) == before


def test_lone_surrogate_gives_a_clear_error(vcli: Cli) -> None:
    res = vcli("record", "add", "--type", "person", "--json", "-",
               input='{"alias": "Rose \\ud800"}')
    assert_user_error(res, "alias")


# --- vault commands -----------------------------------------------------------------------


def test_vault_init_and_init_twice(cli: Cli, vault_dir: Path) -> None:
    res = cli("vault", "init", "--name", "alice")
    assert res.returncode == 0, res.stderr
    assert str(vault_dir) in res.stdout
    # the unlock-failure counter exists from the start: a missing one means "tampered"
    assert {p.name for p in vault_dir.iterdir()} == {"vault.key", "vault.db", "vault.hwm",
                                                   "unlock-failures"}
    (rid,) = seed(vault_dir, Person(alias="Rose"))
    key = (vault_dir / "vault.key").read_bytes()
    db = hashlib.sha256((vault_dir / "vault.db").read_bytes()).hexdigest()
    assert_user_error(cli("vault", "init"), "already exists")
    assert (vault_dir / "vault.key").read_bytes() == key
    assert hashlib.sha256((vault_dir / "vault.db").read_bytes()).hexdigest() == db
    with Vault.unlock(vault_dir, PASSPHRASE) as v:
        assert v.records.get(rid).author == "alice"


def test_vault_init_refuses_a_short_passphrase(cli: Cli, vault_dir: Path,
                                               tmp_path: Path) -> None:
    short = tmp_path / "short.txt"
    short.write_text("1234567\n", encoding="utf-8")
    res = cli("vault", "init", "--vault", str(vault_dir), "--passphrase-file", str(short),
              vault=False)
    assert_user_error(res, "too easy to guess")
    assert not (vault_dir / "vault.key").exists()
    assert not (vault_dir / "vault.db").exists()


def test_vault_passwd(vcli: Cli, vault_dir: Path, passfile: Path, tmp_path: Path) -> None:
    (rid,) = seed(vault_dir, Person(alias="Rose"))
    new = tmp_path / "new.txt"
    new.write_text("a much longer new passphrase 2024\n", encoding="utf-8")
    short = tmp_path / "short.txt"
    short.write_text("short\n", encoding="utf-8")
    assert_user_error(vcli("vault", "passwd", "--new-passphrase-file", str(short)),
                      "too easy to guess")
    assert vcli("record", "list").returncode == 0  # old one still works

    res = vcli("vault", "passwd", "--new-passphrase-file", str(new))
    assert res.returncode == 0, res.stderr
    assert_user_error(vcli("record", "get", rid, "--json"), "wrong passphrase")
    res = vcli("record", "get", rid, "--json", "--vault", str(vault_dir),
               "--passphrase-file", str(new), vault=False)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["alias"] == "Rose"
    assert (vault_dir / "vault.key").stat().st_mode & 0o777 == 0o600
    assert not (vault_dir / "vault.key.part").exists()


def test_vault_check_ok(vcli: Cli, vault_dir: Path) -> None:
    seed(vault_dir, Person(alias="Rose"))
    res = vcli("vault", "check")
    assert res.returncode == 0, res.stderr
    assert "intact" in res.stdout


def test_wipe_needs_yes(vcli: Cli, vault_dir: Path) -> None:
    seed(vault_dir, Person(alias="Rose"))
    assert_user_error(vcli("vault", "wipe"), "--yes")
    assert (vault_dir / "vault.key").exists()
    assert len(state(vault_dir)) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["record"],
        ["record", "add", "--json", "-"],
        ["record", "list", "--limit", "many"],
        ["--no-such-option"],
    ],
    ids=" ".join,
)
def test_usage_errors_exit_2(cli: Cli, args: list[str]) -> None:
    res = cli(*args, vault=False)
    assert res.returncode == 2, (res.returncode, res.stdout, res.stderr)
    assert "Traceback" not in res.stderr
    assert "usage" in (res.stdout + res.stderr).lower()


def test_forgotten_passphrase_is_recovered_with_hqs_recovery_identity(cli, tmp_path, vault_dir):
    import pyrage

    assert cli("vault", "init").returncode == 0
    added = cli("record", "add", "--type", "mission", "--json", "-",
                input='{"title": "Visite de suivi"}')
    assert added.returncode == 0
    identity = pyrage.x25519.Identity.generate()
    assert cli("vault", "recovery-key", "--recipient", str(identity.to_public())).returncode == 0
    id_file = tmp_path / "hq-recovery.txt"
    id_file.write_text(str(identity) + "\n")
    new_pass = tmp_path / "new.txt"
    new_pass.write_text("an entirely new passphrase\n")
    wrong = pyrage.x25519.Identity.generate()
    wrong_file = tmp_path / "wrong.txt"
    wrong_file.write_text(str(wrong) + "\n")
    refused = cli("vault", "recover", "--identity-file", str(wrong_file),
                  "--new-passphrase-file", str(new_pass), vault=False,
                  env={"HRD_FIELD_VAULT": str(vault_dir)})
    assert refused.returncode == 1 and "recovery key does not open" in refused.stderr
    ok = cli("vault", "recover", "--identity-file", str(id_file),
             "--new-passphrase-file", str(new_pass), vault=False,
             env={"HRD_FIELD_VAULT": str(vault_dir)})
    assert ok.returncode == 0, ok.stderr
    listed = cli("record", "list", "--vault", str(vault_dir), "--passphrase-file",
                 str(new_pass), vault=False)
    assert "Visite de suivi" in listed.stdout
    old = cli("record", "list")  # the old passphrase no longer opens it
    assert old.returncode == 1 and "Wrong passphrase" in old.stderr
