"""Acknowledgement letters as PDF in the six UN languages, written by ``hrd-field hq
acknowledge``: fonts embedded, text extractable (pypdf, pure Python), in the letter's own
language, Arabic stored in logical (reading) order, and each letter recorded as sent."""

from __future__ import annotations

import io
import json
import re
import unicodedata
from pathlib import Path

import pytest
from helpers import PASSPHRASE
from helpers.cli import ok, run_cli
from pypdf import PdfReader
from pypdf.generic import ContentStream

from hrd_field.core.i18n import UN_LANGUAGES, catalog
from hrd_field.documents import acknowledgement as letter

# A few letters each script must show, and words that would betray an English letter.
SCRIPTS = {"ar": r"[\u0600-\u06ff]", "zh": r"[\u4e00-\u9fff]", "ru": r"[\u0400-\u04ff]"}


def _flat(text: str) -> str:
    """Extracted text compared as a reader sees it: compatibility forms folded (Arabic
    presentation forms → letters), any run of white space one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def _cmaps(page: object) -> dict[str, dict[int, str]]:
    out: dict[str, dict[int, str]] = {}
    for name, ref in page["/Resources"]["/Font"].items():  # type: ignore[index]
        data = ref.get_object()["/ToUnicode"].get_object().get_data().decode("latin-1")
        table: dict[int, str] = {}
        for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
            for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                table[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
        for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
            for lo, hi, dst in re.findall(
                    r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]+>)",
                    block):
                start, end = int(lo, 16), int(hi, 16)
                if dst.startswith("["):
                    for i, item in enumerate(re.findall(r"<([0-9A-Fa-f]+)>", dst)):
                        table[start + i] = bytes.fromhex(item).decode("utf-16-be")
                else:
                    first = int(dst[1:-1], 16)
                    for i in range(end - start + 1):
                        table[start + i] = chr(first + i)
        out[name] = table
    return out


def stream_text(pdf: bytes) -> str:
    """The text in the order it is written in the page content (what copy and paste and
    screen readers follow), decoded through each font's ToUnicode map. pypdf's own
    extract_text reorders right-to-left runs assuming visual order, so it cannot tell."""
    reader = PdfReader(io.BytesIO(pdf))
    parts: list[str] = []
    for page in reader.pages:
        maps = _cmaps(page)
        font: dict[int, str] = {}
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"Tf":
                font = maps.get(operands[0], {})
            elif op == b"Tj":
                raw = bytes(operands[0].original_bytes)
                parts.extend(font.get(int.from_bytes(raw[i:i + 2], "big"), "")
                             for i in range(0, len(raw), 2))
            elif op in (b"Td", b"TD"):
                # a new line moves down by about a line's height; marks (Arabic vowels,
                # shadda) are placed with small vertical offsets inside the word
                parts.append("\n" if abs(float(operands[1])) > 20 else "")
            elif op == b"T*":
                parts.append("\n")
    return "".join(parts)


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[bytes, str]]:
    root = tmp_path_factory.mktemp("ack")
    pw = root / "pw"
    pw.write_text(PASSPHRASE + "\n", encoding="utf-8")
    store = root / "hq"

    def hq(*args: str | Path) -> str:
        return ok(run_cli(*map(str, args), "--store", str(store), "--passphrase-file",
                          str(pw))).stdout

    hq("hq", "init")
    body = root / "c.json"
    body.write_text(json.dumps({"kind": "urgent_appeal", "reference": "UA COL 3/2026",
                                "state": "CO", "status": "sent", "sent_on": "2026-01-15"}),
                    encoding="utf-8")
    cid = hq("record", "add", "--type", "communication", "--json", body).strip()
    out: dict[str, tuple[bytes, str]] = {}
    for lang in UN_LANGUAGES:
        pdf = root / f"ack-{lang}.pdf"
        hq("hq", "acknowledge", cid, "--language", lang, "--out", pdf)
        out[lang] = (pdf.read_bytes(), cid)
    got = json.loads(hq("record", "get", cid, "--json"))
    assert [a["language"] for a in got["acknowledgements"]] == list(UN_LANGUAGES)
    assert {a["format"] for a in got["acknowledgements"]} == {"pdf"}
    return out


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_letter_is_extractable_and_in_its_language(letters: dict[str, tuple[bytes, str]],
                                                   lang: str) -> None:
    pdf, _cid = letters[lang]
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    fonts = [ref.get_object() for page in reader.pages
             for ref in page["/Resources"]["/Font"].values()]
    for font in fonts:  # every font embedded: the letter prints the same anywhere
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    t = catalog(lang).gettext
    logical = _flat(stream_text(pdf))
    extracted = _flat("\n".join(p.extract_text() for p in reader.pages))
    for msgid in (letter.TITLE, letter.NEXT_HEADING, letter.SAFETY_HEADING,
                  letter.SAFETY_CHANNEL):
        expected = _flat(t(msgid))
        if lang != "en":
            assert expected != msgid, f"{lang} catalog lacks {msgid!r}"
        assert expected in logical, (lang, expected, logical[:300])
        if lang != "ar":
            assert expected in extracted, (lang, expected, extracted[:300])
    assert "UA COL 3/2026" in logical
    deadline = _flat(t(letter.NEXT_DEADLINE).format(days=60))
    if lang == "ar":
        # a number inside Arabic is a separate left-to-right run, written where it shows;
        # the Arabic on each side of it is in reading order
        assert "60" in logical
        for part in re.split(r"\s*60\s*", deadline):
            assert part.strip(" .") in logical, part
    else:
        assert deadline in logical
    if lang != "en":
        assert "What happens next" not in logical
    if lang in SCRIPTS:
        assert len(re.findall(SCRIPTS[lang], logical)) > 200


def test_arabic_is_stored_in_reading_order(letters: dict[str, tuple[bytes, str]]) -> None:
    logical = _flat(stream_text(letters["ar"][0]))
    heading = _flat(catalog("ar").gettext(letter.TITLE))  # "إشعار بالاستلام"
    assert heading in logical
    assert heading[::-1] not in logical
    # the first line of the page is the heading, read from its first letter
    assert logical.startswith(heading)
