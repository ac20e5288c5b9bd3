"""Communications filtered by reply state (awaiting a reply, overdue at HQ today, replied):
``record list --reply`` on both backends; the register's filter in the HQ workspace is in
tests/gui/test_hq_quarantine_and_replies.py."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from helpers.cli import assert_user_error
from helpers.hqkit import make_world, ok


def test_record_list_by_reply_state(tmp_path: Path, hq_database: str | None) -> None:
    world = make_world(tmp_path / "w", database=hq_database)

    def hq(*args: str | Path) -> object:
        return world.hrd(*args, "--store", world.store_dir)

    today = date.today()
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps(c) for c in [
        {"kind": "urgent_appeal", "reference": "UA overdue", "state": "KE", "status": "sent",
         "sent_on": (today - timedelta(days=100)).isoformat()},
        {"kind": "urgent_appeal", "reference": "UA waiting", "state": "KE", "status": "sent",
         "sent_on": (today - timedelta(days=5)).isoformat()},
        {"kind": "letter_of_allegation", "reference": "AL answered", "state": "KE",
         "status": "sent", "sent_on": (today - timedelta(days=200)).isoformat(),
         "replies": [{"received_on": (today - timedelta(days=150)).isoformat(),
                      "assessment": "incomplete"}]},
        {"kind": "other_letter", "reference": "OL draft", "state": "KE", "status": "draft"},
    ]) + "\n", encoding="utf-8")
    ok(hq("record", "add", "--type", "communication", "--json", path))

    def listed(state: str) -> set[str]:
        res = ok(hq("record", "list", "--type", "communication", "--reply", state, "--json"))
        return {c["reference"] for c in json.loads(res.stdout)}  # type: ignore[attr-defined]

    assert listed("awaiting") == {"UA overdue", "UA waiting"}
    assert listed("overdue") == {"UA overdue"}
    assert listed("replied") == {"AL answered"}

    # A reply recorded later moves the letter.
    [overdue] = json.loads(ok(hq("record", "list", "--type", "communication", "--reply",
                                 "overdue", "--json")).stdout)  # type: ignore[attr-defined]
    overdue["replies"] = [{"received_on": today.isoformat(), "assessment": "substantive"}]
    path.write_text(json.dumps(overdue), encoding="utf-8")
    ok(hq("record", "update", overdue["id"], "--json", path))
    assert listed("overdue") == set()
    assert listed("replied") == {"AL answered", "UA overdue"}

    assert_user_error(hq("record", "list", "--type", "threat_report", "--reply", "replied"),
                      "--reply")
    assert_user_error(world.hrd("record", "list", "--type", "communication", "--reply",
                                "replied", "--vault", world.vault_dir), "--reply")
