"""The measurement of issue 14, as a test: a demo round trip (300 records, export, import at
HQ) gives reprisals whose consent to act agrees with their consent scope, no link to a
person HQ does not hold, and persons concerned by gender on every threat and reprisal."""

from __future__ import annotations

from pathlib import Path

from helpers.hqkit import export, make_world

from hrd_field.core import linking
from hrd_field.core.consent import act_contradictions
from hrd_field.core.records import RECORD_TYPES, Person, ReprisalIncident, ThreatReport
from hrd_field.demo import demo_batch
from hrd_field.hq.importer import import_bundle
from hrd_field.hq.interchange import live_records


def test_demo_round_trip_gives_records_reports_can_count_on(
        tmp_path: Path, hq_database: str | None) -> None:
    world = make_world(tmp_path, records=demo_batch(300, seed=14), database=hq_database)
    with world.store() as store:
        for path in export(world.field, tmp_path / "bundles"):
            assert import_bundle(store, path).status == "imported"
        received = [r for t in RECORD_TYPES for r in live_records(store.repo, t)]
    people = {r.id for r in received if isinstance(r, Person)}
    threats = [r for r in received if isinstance(r, ThreatReport)]
    reprisals = [r for r in threats if isinstance(r, ReprisalIncident)]
    assert len(reprisals) > 20 and len(threats) > 60
    assert [r.id for r in reprisals if act_contradictions(r.consent_to_act, r.consent)] == []
    assert [r.id for r in reprisals if r.review] == []
    dangling = [pid for t in threats for pid in t.person_ids if pid not in people]
    assert dangling == []
    stubs = [s for t in threats for s in t.persons_not_shared]
    assert stubs, "some linked people stay on the laptop (drafts, no consent)"
    assert all(s.gender or s.age_group or s.rights_defended for s in stubs)
    with world.store() as store:  # the same version sent again: fresh stubs, no conflict
        for path in export(world.field, tmp_path / "again"):
            assert import_bundle(store, path).status == "imported"
        assert store.repo.alarms() == []
    for t in threats:
        linked = len(t.person_ids) + len(t.persons_not_shared)
        assert linking.total(t.persons_concerned) >= linked, t.id
        assert linking.total(t.persons_concerned) > 0, t.id
