"""The report aggregation, against counts worked out by hand (in-memory rows; the store and
the CLI are covered in test_reports_cli.py)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

import pytest
from helpers.reportkit import MemorySource, Received, comm

from hrd_field.core.errors import UserError
from hrd_field.hq.reports import ReportSpec, build_report
from hrd_field.hq.reports.model import percent
from hrd_field.hq.reports.suppression import suppress


def run(name: str, comms: list[Any] = (), received: list[Received] = (), *,
        start: str, end: str, **kw: Any) -> dict[str, Any]:
    spec = ReportSpec(name, date.fromisoformat(start), date.fromisoformat(end), **kw)
    return build_report(spec, MemorySource(list(comms), list(received))).to_json()


def row(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(r for r in data["rows"] if r["key"] == key)


def test_period_start_puts_30_november_and_1_december_in_different_years() -> None:
    data = run("communications", [comm("2015-11-30", "CN"), comm("2015-12-01", "CN"),
                                  comm("2016-11-30", "CN")],
               start="2014-12-01", end="2016-11-30", period_start="12-01")
    assert data["periods"] == ["2014", "2015"]
    assert row(data, "asia_pacific")["counts"] == {"2014": 1, "2015": 2}
    # Calendar years put the first two together.
    data = run("communications", [comm("2015-11-30", "CN"), comm("2015-12-01", "CN")],
               start="2015-01-01", end="2015-12-31")
    assert data["periods"] == ["2015"]
    assert row(data, "asia_pacific")["counts"] == {"2015": 2}


def test_periods_are_cut_to_the_range_and_labelled_by_their_first_year() -> None:
    data = run("communications", [comm("2014-06-15", "BR"), comm("2014-12-31", "BR"),
                                  comm("2015-01-01", "BR")],
               start="2014-06-15", end="2015-01-01")
    assert data["periods"] == ["2014", "2015"]
    assert row(data, "americas")["counts"] == {"2014": 2, "2015": 1}
    everything = run("communications", [comm("2014-06-15", "BR"), comm("2015-01-01", "BR")],
                     start="2014-06-15", end="2015-01-01", period="all", period_start="12-01")
    assert everything["periods"] == ["2013"]  # 1 Dec 2013 – 30 Nov 2014 holds the start
    assert row(everything, "americas")["total"] == 2


def test_leap_years() -> None:
    comms = [comm("2016-02-29", "FR"), comm("2016-03-01", "FR"), comm("2015-03-01", "FR")]
    data = run("communications", comms, start="2015-03-01", end="2017-02-28",
               period_start="03-01")
    # 1 March 2015 – 29 February 2016 is one year, labelled 2015.
    assert row(data, "europe_central_asia")["counts"] == {"2015": 2, "2016": 1}
    with pytest.raises(UserError, match="29 February"):
        run("communications", comms, start="2016-01-01", end="2016-12-31",
            period_start="02-29")
    # The 60-day deadline crosses 29 February: sent 1 Jan 2016 → due 1 Mar 2016;
    # sent 1 Jan 2015 → due 2 Mar 2015.
    replies = [comm("2016-01-01", "FR", replies=(("2016-03-01", "substantive"),)),
               comm("2015-01-01", "FR", replies=(("2015-03-02", "substantive"),)),
               comm("2015-01-02", "FR", replies=(("2015-03-04", "substantive"),))]
    data = run("responses", replies, start="2015-01-01", end="2016-12-31")
    eca = row(data, "europe_central_asia")
    assert eca["replied_within_deadline"] == {"2015": 1, "2016": 1}
    assert eca["replied"] == {"2015": 2, "2016": 1}


def test_response_deadline_passing_inside_the_range() -> None:
    comms = [
        comm("2020-01-10", "IN", replies=(("2020-02-01", "substantive"),)),  # in time
        comm("2020-02-15", "IN"),  # due 15 April: overdue, no reply
        comm("2020-03-01", "IN", replies=(("2020-05-15", "incomplete"),)),  # late reply
        comm("2020-06-01", "IN", replies=(("2020-06-20", "general_or_evasive"),)),  # due 31 July
        comm("2020-06-20", "IN"),  # due 19 August
    ]
    data = run("responses", comms, start="2020-01-01", end="2020-06-30")
    asia = row(data, "asia_pacific")
    assert asia["counts"] == {"2020": 5}
    assert asia["replied"] == {"2020": 3}
    assert asia["replied_within_deadline"] == {"2020": 2}
    assert asia["deadline_passed"] == {"2020": 3}
    assert asia["replied_deadline_passed"] == {"2020": 2}
    assert asia["response_rate"] == {"2020": 60.0}
    assert asia["response_rate_deadline_passed"] == {"2020": 66.7}
    assert asia["within_deadline_rate"] == {"2020": 40.0}
    # Every assessment of the vocabulary is listed, in its order, the empty one as 0.
    assert asia["replies_by_assessment"] == {"none": {"2020": 0},
                                             "general_or_evasive": {"2020": 1},
                                             "incomplete": {"2020": 1},
                                             "substantive": {"2020": 1}}
    # Judged on 30 April, the late reply is not in yet and the third deadline (30 April)
    # has not passed; a day later it has.
    early = row(run("responses", comms, start="2020-01-01", end="2020-06-30",
                    as_of=date(2020, 4, 30)), "asia_pacific")
    assert early["replied"] == {"2020": 1}
    assert early["deadline_passed"] == {"2020": 2}
    assert early["response_rate_deadline_passed"] == {"2020": 50.0}
    later = row(run("responses", comms, start="2020-01-01", end="2020-06-30",
                    as_of=date(2020, 5, 1)), "asia_pacific")
    assert later["deadline_passed"] == {"2020": 3}
    assert later["response_rate_deadline_passed"] == {"2020": 33.3}


def test_joint_communication_counts_once_and_empty_groups_show_zero() -> None:
    comms = [comm("2019-05-05", "MX", joint=True), comm("2019-06-06", "MX")]
    data = run("communications", comms, start="2019-01-01", end="2019-12-31")
    assert [r["key"] for r in data["rows"]] == ["asia_pacific", "americas", "mena",
                                                "europe_central_asia", "africa"]
    assert row(data, "americas")["counts"] == {"2019": 2}
    assert row(data, "mena")["counts"] == {"2019": 0}
    assert row(data, "mena")["percent_of_period"] == {"2019": 0.0}
    assert data["totals"] == {"counts": {"2019": 2}, "total": 2}
    by_joint = run("communications", comms, start="2019-01-01", end="2019-12-31", by="joint")
    assert row(by_joint, "joint")["counts"] == {"2019": 1}
    assert row(by_joint, "not_joint")["counts"] == {"2019": 1}


def test_individuals_and_communications_concerning_women() -> None:
    comms = [comm("2015-03-03", "EG", individuals={"women": 2, "men": 1}),
             comm("2015-04-04", "EG", individuals={"men": 3}),
             comm("2015-05-05", "EG", individuals={"not_stated": 4},
                  subjects=frozenset({"women_defenders"})),
             comm("2015-06-06", "EG", individuals={"men": 1})]
    data = run("individuals", comms, start="2015-01-01", end="2015-12-31")
    mena = row(data, "mena")
    assert mena["counts"] == {"2015": 11}
    assert mena["women"] == {"2015": 2}
    assert mena["percent_women"] == {"2015": 18.2}
    assert mena["concerning_women"] == {"2015": 2}
    assert mena["percent_concerning_women"] == {"2015": 50.0}
    by_gender = run("individuals", comms, start="2015-01-01", end="2015-12-31", by="gender")
    assert [(r["key"], r["total"]) for r in by_gender["rows"]] == [
        ("women", 2), ("men", 5), ("non_binary", 0), ("not_stated", 4)]


def test_threats_count_a_record_in_each_of_its_types_but_once_in_the_total() -> None:
    received = [
        Received("threat_report", "2018-02-02", "africa",
                 terms={"threat_type": ["death_threat", "killing"]}),
        Received("reprisal_incident", "2018-03-03", "africa",
                 terms={"threat_type": ["death_threat"]}),
        Received("threat_report", "2018-04-04", None),
        Received("consultation", "2018-04-04", "africa"),
    ]
    data = run("threats", received=received, start="2018-01-01", end="2018-12-31")
    assert row(data, "death_threat")["counts"] == {"2018": 2}
    assert row(data, "killing")["counts"] == {"2018": 1}
    assert row(data, "travel_ban")["counts"] == {"2018": 0}
    assert row(data, "not_stated")["counts"] == {"2018": 1}
    assert data["totals"]["counts"] == {"2018": 3}
    assert row(data, "death_threat")["percent_of_period"] == {"2018": 66.7}
    by_region = run("threats", received=received, start="2018-01-01", end="2018-12-31",
                    by="region")
    assert row(by_region, "africa")["total"] == 2
    assert row(by_region, "not_stated")["total"] == 1


def test_consultations_participants_and_women_only_sessions() -> None:
    received = [
        Received("consultation", "2019-09-01", "africa", mission_id="m1",
                 terms={"consultation_format": ["women_only_session"], "modality": ["online"]},
                 numbers={"participants.women": 12}),
        Received("consultation", "2019-09-02", "africa", mission_id="m1",
                 terms={"consultation_format": ["group"], "modality": ["in_person"]},
                 numbers={"participants.women": 5, "participants.men": 7}),
    ]
    src = MemorySource(received=received, titles={"m1": "Visit to Kenya"})
    spec = ReportSpec("consultations", date(2019, 1, 1), date(2019, 12, 31), by="mission")
    data = build_report(spec, src).to_json()
    visit = row(data, "m1")
    assert visit["label"] == "Visit to Kenya"
    assert visit["counts"] == {"2019": 2}
    assert visit["women_only"] == {"2019": 1}
    assert visit["participants"] == {"2019": 24}
    assert visit["percent_women"] == {"2019": 70.8}
    fmt = run("consultations", received=received, start="2019-01-01", end="2019-12-31")
    assert row(fmt, "women_only_session")["women"] == {"2019": 12}


def test_percentages_round_half_up_on_exact_values() -> None:
    assert percent(1, 8) == 12.5
    assert percent(699, 2000) == 35.0  # 34.95: float rounding would give 34.9
    assert percent(1, 3) == 33.3
    assert percent(2, 3) == 66.7
    assert percent(0, 0) is None


def test_unknown_dimension_and_bad_dates_are_clear_errors() -> None:
    with pytest.raises(UserError, match="cannot be grouped by 'colour'"):
        run("communications", start="2019-01-01", end="2019-12-31", by="colour")
    with pytest.raises(UserError, match="before it starts"):
        run("communications", start="2019-01-01", end="2018-12-31")


# --- suppression -------------------------------------------------------------------------


def _public(comms: list[Any], k: int = 5) -> dict[str, Any]:
    return run("communications", comms, start="2014-01-01", end="2015-12-31", public=True,
               min_cell=k)


def _many(day: str, state: str, n: int) -> list[Any]:
    return [comm(day, state) for _ in range(n)]


def test_public_report_withholds_small_cells_and_a_secondary_cell() -> None:
    comms = (_many("2014-03-01", "CN", 10) + _many("2015-03-01", "CN", 20)
             + _many("2014-03-01", "BR", 3) + _many("2015-03-01", "BR", 8))
    data = _public(comms)
    asia, americas = row(data, "asia_pacific"), row(data, "americas")
    # 3 is withheld; 8 beside it and 10 below it would give it away with the totals
    # (11 and 13), and 20 would give the 8 and the 10 away: the 2×2 block goes.
    assert americas["counts"] == {"2014": None, "2015": None}
    assert asia["counts"] == {"2014": None, "2015": None}
    assert americas["suppressed"] is True and asia["suppressed"] is True
    assert americas["total"] == 11 and asia["total"] == 30
    assert data["totals"]["counts"] == {"2014": 13, "2015": 28}
    assert americas["percent_of_period"] == {"2014": None, "2015": None}
    assert americas["percent_of_total"] == 26.8
    assert "suppressed" not in row(data, "mena")
    # Internal reports keep exact counts.
    exact = run("communications", comms, start="2014-01-01", end="2015-12-31")
    assert row(exact, "americas")["counts"] == {"2014": 3, "2015": 8}


def _determined(grid: list[list[int]], hidden: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Hidden cells whose value the published ones fix, by exact linear algebra: a cell is
    fixed when its unit vector lies in the row space of the table's sums over the hidden
    cells (rows and columns of the grid sum to their margins)."""
    cells = sorted(hidden)
    index = {c: i for i, c in enumerate(cells)}
    n_rows, n_cols = len(grid), len(grid[0])
    equations = []
    for i in range(n_rows):
        sign = {(i, j): (-1 if j == n_cols - 1 else 1) for j in range(n_cols)}
        equations.append(sign)
    for j in range(n_cols):
        sign = {(i, j): (-1 if i == n_rows - 1 else 1) for i in range(n_rows)}
        equations.append(sign)
    matrix = [[Fraction(eq.get(c, 0)) for c in cells] for eq in equations]
    # Row-reduce, then a cell is fixed when some reduced row is its unit vector.
    rows, pivot_row = matrix, 0
    for col in range(len(cells)):
        pivot = next((r for r in range(pivot_row, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[pivot_row], rows[pivot] = rows[pivot], rows[pivot_row]
        lead = rows[pivot_row][col]
        rows[pivot_row] = [v / lead for v in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[pivot_row], strict=True)]
        pivot_row += 1
    fixed = set()
    for r in rows:
        nonzero = [i for i, v in enumerate(r) if v != 0]
        if len(nonzero) == 1:
            fixed.add(cells[nonzero[0]])
    del index
    return fixed


def test_no_withheld_cell_can_be_worked_out_from_the_totals() -> None:
    import random

    rng = random.Random(17)
    for _trial in range(200):
        n_rows, n_cols = rng.randint(1, 6), rng.randint(1, 4)
        inner = [[rng.choice([0, 0, 1, 2, 3, 4, 5, 7, 12, 40]) for _ in range(n_cols)]
                 for _ in range(n_rows)]
        grid = [[*r, sum(r)] for r in inner]
        grid.append([sum(c) for c in zip(*grid, strict=True)])
        hidden = suppress(grid, 5)
        assert {(i, j) for i, r in enumerate(grid) for j, v in enumerate(r)
                if 0 < v < 5} <= hidden
        assert not _determined(grid, hidden), (grid, hidden)
    # The checker itself finds a lone withheld cell.
    grid = [[3, 9, 12], [10, 20, 30], [13, 29, 42]]
    assert _determined(grid, {(0, 0)}) == {(0, 0)}
