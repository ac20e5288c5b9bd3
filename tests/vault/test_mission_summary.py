"""One aggregation for a mission, the same for the app's mission page and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import PASSPHRASE

from hrd_field.core.records import (
    Consultation,
    Mission,
    ParticipantCounts,
    ReprisalIncident,
    ThreatReport,
)
from hrd_field.vault.summaries import mission_summary
from hrd_field.vault.vault import Vault


def _seed(vault_dir: Path) -> tuple[str, str]:
    with Vault.create(vault_dir, PASSPHRASE) as v:
        mission = v.records.create(Mission(title="Visit to Kenya", country="KE")).id
        other = v.records.create(Mission(title="Visit to Peru", country="PE")).id
        for women, men in ((12, 0), (5, 3)):
            v.records.create(Consultation(mission_id=mission, participants=ParticipantCounts(
                women=women, men=men, not_stated=1)))
        v.records.create(Consultation(mission_id=other,
                                      participants=ParticipantCounts(women=40)))
        v.records.create(ThreatReport(mission_id=mission,
                                      threat_types=["death_threat", "smear_campaign"]))
        v.records.create(ThreatReport(mission_id=mission, threat_types=["smear_campaign"]))
        met = v.records.create(ReprisalIncident(mission_id=mission, met_this_mission=True,
                                                threat_types=["smear_campaign"]))
        v.records.create(ReprisalIncident(mission_id=mission, met_this_mission=False))
        deleted = v.records.create(ThreatReport(mission_id=mission,
                                                threat_types=["death_threat"]))
        v.records.delete(deleted.id)
        return mission, met.id


def test_summary_counts_live_records_of_the_mission_only(vault_dir: Path):
    mission, met = _seed(vault_dir)
    with Vault.unlock(vault_dir, PASSPHRASE) as v:
        s = mission_summary(v, mission)
    assert s.title == "Visit to Kenya"
    assert s.counts == {"consultation": 2, "person": 0, "threat_report": 2,
                        "reprisal_incident": 2}
    assert s.participants == {"women": 17, "men": 3, "non_binary": 0, "not_stated": 2}
    assert s.threat_types == [("smear_campaign", 3), ("death_threat", 1)]
    assert [r.id for r in s.flagged] == [met]


def test_cli_prints_the_same_summary(cli, vault_dir: Path):
    mission, met = _seed(vault_dir)
    res = cli("record", "summary", mission, "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["counts"]["threat_report"] == 2
    assert data["participants"]["women"] == 17
    assert [f["id"] for f in data["flagged"]] == [met]
    res = cli("record", "summary", mission)
    assert "17 women, 3 men" in res.stdout
    assert "1 reprisal against people who met this mission" in res.stdout
