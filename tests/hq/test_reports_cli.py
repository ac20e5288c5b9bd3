"""``hrd-field hq report`` on a real HQ store, embedded and on PostgreSQL: the counts, the
formats carry the JSON's numbers, bad input gets one clear line.

Records are written through the HQ repository (the importer's own writer for received
records; casework's for communications).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from helpers import PASSPHRASE
from helpers.cli import assert_user_error
from helpers.hqdb import HQ_BACKENDS, new_hq_database
from helpers.hqkit import consent, hrd, ok

from hrd_field.core.casework import Communication, Reply
from hrd_field.core.records import (
    Consultation,
    Cooperation,
    PartialDate,
    ParticipantCounts,
    Place,
    ReprisalIncident,
    ThreatReport,
)
from hrd_field.hq.store import HqStore


def _threat(day: str, country: str, types: list[str], cls: type = ThreatReport) -> Any:
    extra: dict[str, Any] = {}
    if cls is ReprisalIncident:
        extra["cooperation"] = Cooperation(with_whom=["upr"])
    return cls(**extra, incident_date=PartialDate(date=day), place=Place(country=country),
               threat_types=types, perpetrators=["state_police"],
               status="final" if types else "draft",
               unnamed_group="members of a farmers' cooperative",
               consent=consent())


def _letter(sent_on: str, state: str, **kw: Any) -> Communication:
    kw.setdefault("kind", "urgent_appeal")
    return Communication(sent_on=sent_on, state=state, status="sent",
                         reference=f"UA {state} {sent_on}", **kw)


@pytest.fixture(scope="module", params=HQ_BACKENDS)
def hq(request: pytest.FixtureRequest,
       tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    database = new_hq_database(request, request.param)
    root = tmp_path_factory.mktemp(f"reports-{request.param}")
    passfile = root / "pass.txt"
    passfile.write_text(PASSPHRASE + "\n", encoding="utf-8")
    records = [
        _threat("2017-11-30", "KE", ["death_threat", "killing"]),
        _threat("2017-12-01", "KE", ["death_threat"]),
        _threat("2018-02-28", "BR", ["travel_ban"]),
        _threat("2018-06-01", "CN", []),
        _threat("2018-07-01", "EG", ["death_threat"], ReprisalIncident),
        Consultation(date="2018-03-03", place=Place(country="KE"),
                     format="women_only_session", modality="in_person",
                     participants=ParticipantCounts(women=14), status="final",
                     consent=consent()),
        Consultation(date="2018-03-04", place=Place(country="KE"), format="group",
                     modality="online", participants=ParticipantCounts(women=3, men=5),
                     status="final", consent=consent()),
    ]
    letters = [
        _letter("2019-01-10", "CO", joint_with=["SR on freedom of expression"],
                individuals=ParticipantCounts(women=2, men=1),
                replies=[Reply(received_on="2019-02-01", assessment="substantive")]),
        _letter("2019-11-30", "CO", kind="letter_of_allegation",
                subjects=["reprisal_for_cooperation"],
                individuals=ParticipantCounts(men=1)),
        _letter("2019-12-01", "PH", individuals=ParticipantCounts(women=1),
                replies=[Reply(received_on="2020-03-01", assessment="incomplete")]),
    ]
    with HqStore.init(root / "hq", PASSPHRASE, "OHCHR", database=database) as store:
        for record in [*records, *letters]:
            store.repo.create(record)
    return root / "hq", passfile


def report(hq: tuple[Path, Path], *args: str) -> Any:
    store, passfile = hq
    return hrd("hq", "report", *args, "--store", store, passfile=passfile)


def test_threats_by_type_with_a_year_starting_1_december(hq: tuple[Path, Path]) -> None:
    data = ok(report(hq, "threats", "--from", "2017-01-01", "--to", "2018-12-31",
                     "--period-start", "12-01", "--format", "json")).json()
    assert data["periods"] == ["2016", "2017", "2018"]
    rows = {r["key"]: r for r in data["rows"]}
    # 30 November 2017 ends the 2016 year; 1 December 2017 opens the 2017 one.
    assert rows["death_threat"]["counts"] == {"2016": 1, "2017": 2, "2018": 0}
    assert rows["killing"]["counts"] == {"2016": 1, "2017": 0, "2018": 0}
    assert rows["travel_ban"]["counts"] == {"2016": 0, "2017": 1, "2018": 0}
    assert rows["not_stated"]["counts"] == {"2016": 0, "2017": 1, "2018": 0}
    assert rows["arbitrary_detention"]["total"] == 0
    assert data["totals"] == {"counts": {"2016": 1, "2017": 4, "2018": 0}, "total": 5}
    assert rows["death_threat"]["percent_of_period"]["2017"] == 50.0


def test_communications_responses_and_individuals(hq: tuple[Path, Path]) -> None:
    span = ["--from", "2018-12-01", "--to", "2020-11-30", "--period-start", "12-01",
            "--format", "json"]
    data = ok(report(hq, "communications", *span)).json()
    assert data["periods"] == ["2018", "2019"]
    rows = {r["key"]: r for r in data["rows"]}
    assert rows["americas"]["counts"] == {"2018": 2, "2019": 0}
    assert rows["asia_pacific"]["counts"] == {"2018": 0, "2019": 1}
    assert rows["africa"]["counts"] == {"2018": 0, "2019": 0}
    assert rows["americas"]["percent_of_period"] == {"2018": 100.0, "2019": 0.0}
    joint = ok(report(hq, "communications", *span, "--by", "joint")).json()
    assert {r["key"]: r["total"] for r in joint["rows"]} == {"joint": 1, "not_joint": 2}
    responses = ok(report(hq, "responses", *span, "--by", "kind")).json()
    ua = next(r for r in responses["rows"] if r["key"] == "urgent_appeal")
    # The appeal of 10 January was answered in time; that of 1 December 2019 (due
    # 30 January 2020) late, on 1 March.
    assert ua["counts"] == {"2018": 1, "2019": 1}
    assert ua["replied"] == {"2018": 1, "2019": 1}
    assert ua["replied_within_deadline"] == {"2018": 1, "2019": 0}
    assert ua["response_rate_total"] == 100.0
    people = ok(report(hq, "individuals", *span)).json()
    assert people["totals"]["counts"] == {"2018": 4, "2019": 1}
    assert people["totals"]["women"] == {"2018": 2, "2019": 1}
    assert people["totals"]["percent_concerning_women"] == {"2018": 50.0, "2019": 100.0}
    reprisals = ok(report(hq, "reprisals", *span)).json()
    assert next(r for r in reprisals["rows"]
                if r["key"] == "americas")["communications"] == {"2018": 1, "2019": 0}


def test_reprisals_and_consultations_from_the_store(hq: tuple[Path, Path]) -> None:
    data = ok(report(hq, "reprisals", "--from", "2018-01-01", "--to", "2018-12-31",
                     "--format", "json")).json()
    rows = {r["key"]: r for r in data["rows"]}
    assert rows["mena"]["counts"] == {"2018": 1}
    assert data["totals"]["total"] == 1
    data = ok(report(hq, "consultations", "--from", "2018-01-01", "--to", "2018-12-31",
                     "--by", "modality", "--format", "json")).json()
    rows = {r["key"]: r for r in data["rows"]}
    assert rows["online"]["participants"] == {"2018": 8}
    assert rows["in_person"]["women_only"] == {"2018": 1}
    assert data["totals"]["women"] == {"2018": 17}
    assert data["totals"]["percent_women"] == {"2018": 77.3}


def _numbers_of_json(data: dict[str, Any]) -> list[list[Any]]:
    """Per row (totals last): counts by period, total, percent by period, percent of
    total — the columns every format shows first."""
    out = []
    for r in data["rows"]:
        out.append([*(r["counts"][p] for p in data["periods"]), r["total"],
                    *(r["percent_of_period"][p] for p in data["periods"]),
                    r["percent_of_total"]])
    t = data["totals"]
    out.append([*(t["counts"][p] for p in data["periods"]), t["total"]])
    return out


def _xlsx_rows(path: Path) -> list[list[Any]]:
    """The first sheet's rows, numbers as floats (a small reader: no extra dependency)."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(path) as z:
        strings = [si.findtext("m:t", default="", namespaces=ns) or "".join(
            t.text or "" for t in si.iter(f"{{{ns['m']}}}t"))
            for si in ElementTree.fromstring(z.read("xl/sharedStrings.xml"))]
        sheet = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iter(f"{{{ns['m']}}}row"):
        values: list[Any] = []
        for c in row.iter(f"{{{ns['m']}}}c"):
            v = c.findtext("m:v", namespaces=ns)
            values.append(strings[int(v)] if c.get("t") == "s" and v is not None
                          else float(v) if v is not None else None)
        rows.append(values)
    return rows


@pytest.mark.parametrize("public", [False, True])
def test_every_format_carries_the_numbers_of_the_json(hq: tuple[Path, Path], tmp_path: Path,
                                                      public: bool) -> None:
    if not public and "postgresql" in str(hq[0].parent):
        pytest.skip("exact counts in every format: checked on the embedded store; the "
                    "backends' JSON agree (the other tests)")
    common = ["threats", "--from", "2017-01-01", "--to", "2018-12-31", "--by", "region"]
    if public:
        common += ["--public", "--min-cell", "2"]
    data = ok(report(hq, *common, "--format", "json")).json()
    expected = _numbers_of_json(data)
    labels = [r["label"] for r in data["rows"]] + ["Total"]
    n = len(data["periods"])

    # CSV: the same numbers in the same columns; withheld ones empty.
    rows = list(csv.reader(io.StringIO(ok(report(hq, *common, "--format", "csv")).stdout)))
    assert rows[0][:2] == ["key", "label"]
    for want, got in zip(expected, rows[1:], strict=True):
        assert [("" if v is None else str(v)) for v in want] == got[2:2 + len(want)]

    # The terminal table: "count (percent %)" per period, then the total.
    text = ok(report(hq, *common)).stdout
    for label, want in zip(labels, expected, strict=True):
        line = next(ln for ln in text.splitlines() if ln.startswith(label + "  "))
        cells = re.split(r"\s{2,}", line[len(label):].strip())
        for j, cell in enumerate(cells[:n + 1]):
            count = want[j]
            assert cell.split(" (")[0] == ("x" if count is None else str(count))
            if label != "Total" and count is not None and want[n + 1 + j] is not None:
                assert f"({want[n + 1 + j]:.1f} %)" in cell

    # XLSX: numbers as numbers, percentages as fractions formatted as percentages.
    out = tmp_path / "r.xlsx"
    ok(report(hq, *common, "--format", "xlsx", "--out", str(out)))
    sheet = _xlsx_rows(out)
    for label, want in zip(labels, expected, strict=True):
        got = next(r for r in sheet if r and r[0] == label)
        counts = got[1:n + 2]
        assert counts == [("x" if v is None else float(v)) for v in want[:n + 1]]
        if label != "Total":
            shares = got[n + 2:2 * n + 3]
            for have, p in zip(shares, want[n + 1:], strict=False):
                if p is not None:
                    assert have == pytest.approx(p / 100)

    # PDF: written whole; its text holds every count and the footnote on what is not
    # counted, in Arabic when asked.
    from pypdf import PdfReader

    pdf = tmp_path / "r.pdf"
    ok(report(hq, *common, "--format", "pdf", "--out", str(pdf), "--language", "ar"))
    body = pdf.read_bytes()
    assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
    assert not list(tmp_path.glob("*.part"))
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    for want in expected:
        for value in want[:n + 1]:
            assert ("x" if value is None else str(value)) in text
    # The title in Arabic: pypdf gives shaped glyphs in visual order, so compare letters.
    import unicodedata

    letters = "".join(unicodedata.normalize("NFKC", text).split())
    assert "التهديدات ضد المدافعين".replace(" ", "")[::-1] in letters


def test_report_pdf_html_has_the_json_numbers(qapp: Any) -> None:
    # qapp: pytest-qt's QApplication first, so the PDF code does not make a bare
    # QGuiApplication that a later GUI test in this process could not build widgets on
    from datetime import date

    from helpers.reportkit import MemorySource, comm

    from hrd_field.documents.report_pdf import report_html
    from hrd_field.hq.reports import ReportSpec, build_report

    src = MemorySource([comm("2019-01-05", "CN"), comm("2019-02-05", "CN"),
                        comm("2020-03-05", "BR")])
    rep = build_report(ReportSpec("communications", date(2019, 1, 1), date(2020, 12, 31)), src)
    page = report_html(rep)
    assert "2 (100.0 %)" in page and "1 (100.0 %)" in page
    assert "data:image/png;base64," in page
    assert "cases not covered by the mandate are not counted" in page


@pytest.mark.parametrize(("args", "words"), [
    (["--from", "2019-13-01", "--to", "2019-12-31"], ["--from", "YYYY-MM-DD"]),
    (["--from", "2019-01-01", "--to", "2018-12-31"], ["before it starts"]),
    (["--from", "2019-01-01", "--to", "2019-12-31", "--by", "colour"], ["colour"]),
    (["--from", "2019-01-01", "--to", "2019-12-31", "--period-start", "02-29"],
     ["29 February"]),
    (["--from", "2019-01-01", "--to", "2019-12-31", "--public", "--min-cell", "0"],
     ["--min-cell"]),
])
def test_bad_input_is_one_clear_line(hq: tuple[Path, Path], args: list[str],
                                     words: list[str]) -> None:
    assert_user_error(report(hq, "threats", *args), *words)


def test_all_reports_in_one_workbook(hq: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "all.xlsx"
    ok(report(hq, "all", "--from", "2018-01-01", "--to", "2019-12-31", "--format", "xlsx",
              "--out", str(out)))
    with zipfile.ZipFile(out) as z:
        book = z.read("xl/workbook.xml").decode("utf-8")
    assert re.findall(r'<sheet name="([^"]+)"', book) == [
        "communications", "responses", "individuals", "reprisals", "threats", "consultations"]
    both = ok(report(hq, "all", "--from", "2018-01-01", "--to", "2019-12-31",
                     "--format", "json")).json()
    assert [r["report"] for r in both][:2] == ["communications", "responses"]


def test_binary_formats_need_a_file(hq: tuple[Path, Path]) -> None:
    res = report(hq, "threats", "--from", "2019-01-01", "--to", "2019-12-31", "--format", "pdf")
    assert res.returncode == 2 and "--out" in res.stderr and res.stdout == ""
