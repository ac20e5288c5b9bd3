"""The 2017 report's table of communications by region and year (A/HRC/34/52, §34–36),
rebuilt from communications generated to match its counts."""

from __future__ import annotations

import random
from datetime import date, timedelta

from helpers.reportkit import MemorySource, comm

from hrd_field.hq.reports import ReportSpec, build_report
from hrd_field.hq.reports.render import table_text

# "Summary of communications sent" (the 2016 column is marked "ca" in the report).
PUBLISHED = {
    "asia_pacific": {"2014": (80, 35), "2015": (66, 32), "2016": (76, 30)},
    "americas": {"2014": (49, 21), "2015": (41, 20), "2016": (41, 16)},
    "mena": {"2014": (37, 16), "2015": (34, 16), "2016": (57, 23)},
    "europe_central_asia": {"2014": (37, 16), "2015": (32, 15), "2016": (30, 12)},
    "africa": {"2014": (26, 11), "2015": (34, 16), "2016": (49, 19)},
}
# One State per region to address them to, and other States for variety.
STATES = {"asia_pacific": ["CN", "IN", "PH"], "americas": ["BR", "MX", "CO"],
          "mena": ["EG", "BH", "SA"], "europe_central_asia": ["RU", "TR", "AZ"],
          "africa": ["KE", "CD", "BI"]}


def generated() -> list:
    rng = random.Random(2017)
    out = []
    for region, years in PUBLISHED.items():
        for year, (n, _pct) in years.items():
            start = date(int(year), 1, 1)
            for _ in range(n):
                day = start + timedelta(days=rng.randrange(365))
                out.append(comm(day.isoformat(), rng.choice(STATES[region]),
                                joint=rng.random() < 0.6,
                                kind=rng.choice(["urgent_appeal", "letter_of_allegation"])))
    return out


def test_2017_table_of_communications_by_region_and_year(capsys) -> None:
    spec = ReportSpec("communications", date(2014, 1, 1), date(2016, 12, 31), by="region")
    report = build_report(spec, MemorySource(generated()))
    data = report.to_json()
    with capsys.disabled():
        print("\n" + table_text(report))
    assert data["periods"] == ["2014", "2015", "2016"]
    for row in data["rows"]:
        for year, (n, pct) in PUBLISHED[row["key"]].items():
            assert row["counts"][year] == n
            # The report rounds to whole per cent; ours has one decimal of the same share.
            assert abs(row["percent_of_period"][year] - pct) <= 0.5, (row["key"], year)
    assert data["totals"]["counts"] == {"2014": 229, "2015": 207, "2016": 253}
    # §36: over the whole span, 222 to Asia-Pacific (about 32 per cent), 131 the Americas
    # and 128 the Middle East and North Africa (about 19 per cent each), 99 Europe and
    # Central Asia (14 per cent), 109 Africa.
    whole = build_report(ReportSpec("communications", date(2014, 1, 1), date(2016, 12, 31),
                                    by="region", period="all"),
                         MemorySource(generated())).to_json()
    totals = {r["key"]: (r["total"], r["percent_of_total"]) for r in whole["rows"]}
    assert {k: v[0] for k, v in totals.items()} == {
        "asia_pacific": 222, "americas": 131, "mena": 128, "europe_central_asia": 99,
        "africa": 109}
    assert round(totals["asia_pacific"][1]) == 32
    assert round(totals["americas"][1]) == 19 and round(totals["mena"][1]) == 19
    assert round(totals["europe_central_asia"][1]) == 14
