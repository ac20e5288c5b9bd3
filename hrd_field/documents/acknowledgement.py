"""Acknowledgement letters to the people and organisations who send information, in the six
UN languages (2020 report §61), as plain text and as PDF.

The letter says what happens next and how to send more safely. It carries no identity data:
no name, no contact, nothing of the submission's content — only the date it was received
and a reference — unless the sender asked to be named (``addressee``).
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date

from ..core.i18n import N_, UN_LANGUAGES, catalog, is_rtl

# TRANSLATORS: acknowledgement letter (sent to defenders; formal UN style)
TITLE = N_("Acknowledgement of receipt")
REFERENCE = N_("Our reference: {reference}")
DATE = N_("Date: {date}")
GREETING = N_("Dear Sir or Madam,")
GREETING_NAMED = N_("Dear {name},")
RECEIVED = N_("The Special Rapporteur on the situation of human rights defenders "
              "acknowledges receipt of the information you sent on {date}. Thank you for "
              "your trust.")
NEXT_HEADING = N_("What happens next")
NEXT_ASSESS = N_("Your information will be assessed carefully, together with other "
                 "sources.")
NEXT_COMMUNICATION = N_("The Special Rapporteur may send a communication to the State "
                        "concerned (an urgent appeal or a letter of allegation), and only "
                        "within the consent you gave.")
NEXT_DEADLINE = N_("The State is asked to reply within {days} days.")
NEXT_PUBLICATION = N_("Communications and the replies of States are made public in the "
                      "communications reports to the Human Rights Council; the names of "
                      "the people concerned are not published without their consent.")
SAFETY_HEADING = N_("How to send more information safely")
SAFETY_CHANNEL = N_("Use the secure channel the mission gave you, not ordinary e-mail or "
                    "messaging.")
SAFETY_OTHERS = N_("Do not send names or contact details of other people unless they "
                   "have agreed.")
SAFETY_REPRISALS = N_("Tell us at once if you or anyone else is threatened or attacked for "
                      "having contacted the United Nations.")
CLOSING = N_("Yours sincerely,")
SIGNATURE = N_("Office of the United Nations High Commissioner for Human Rights, for the "
               "Special Rapporteur on the situation of human rights defenders")

PDF_LANGUAGES = UN_LANGUAGES


@dataclass(frozen=True)
class Letter:
    language: str
    title: str
    text: str
    html: str

    @property
    def rtl(self) -> bool:
        return is_rtl(self.language)


def compose(*, language: str, reference: str, received_on: date, today: date,
            reply_days: int, addressee: str = "") -> Letter:
    if language not in UN_LANGUAGES:
        raise ValueError(language)
    t = catalog(language).gettext
    day = format_date(received_on, format="long", locale=language)
    now = format_date(today, format="long", locale=language)
    greeting = t(GREETING_NAMED).format(name=addressee) if addressee else t(GREETING)
    paragraphs = [
        t(REFERENCE).format(reference=reference),
        t(DATE).format(date=now),
        greeting,
        t(RECEIVED).format(date=day),
    ]
    nexts = [t(NEXT_ASSESS), t(NEXT_COMMUNICATION), t(NEXT_DEADLINE).format(days=reply_days),
             t(NEXT_PUBLICATION)]
    safety = [t(SAFETY_CHANNEL), t(SAFETY_OTHERS), t(SAFETY_REPRISALS)]
    ending = [t(CLOSING), t(SIGNATURE)]
    title = t(TITLE)

    lines = [title, "", *_blocks(paragraphs), "", t(NEXT_HEADING), *(f"- {n}" for n in nexts),
             "", t(SAFETY_HEADING), *(f"- {s}" for s in safety), "", *ending]
    text = "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"

    direction = "rtl" if is_rtl(language) else "ltr"
    align = "right" if direction == "rtl" else "left"
    e = html.escape
    body = [f"<h2>{e(title)}</h2>"]
    body += [f"<p>{e(p)}</p>" for p in paragraphs]
    body.append(f"<h3>{e(t(NEXT_HEADING))}</h3><ul>" +
                "".join(f"<li>{e(n)}</li>" for n in nexts) + "</ul>")
    body.append(f"<h3>{e(t(SAFETY_HEADING))}</h3><ul>" +
                "".join(f"<li>{e(s)}</li>" for s in safety) + "</ul>")
    body += [f"<p>{e(p)}</p>" for p in ending]
    markup = (f'<html lang="{language}" dir="{direction}"><body dir="{direction}" '
              f'style="text-align:{align}; font-size:11pt">' + "".join(body) + "</body></html>")
    return Letter(language, title, text, markup)


def _blocks(paragraphs: list[str]) -> list[str]:
    out: list[str] = []
    for p in paragraphs:
        out += [p, ""]
    return out[:-1]


def render(letter: Letter) -> bytes:
    from .pdf import render_pdf

    return render_pdf(letter.html, title=letter.title, rtl=letter.rtl)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
