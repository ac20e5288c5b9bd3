"""The random draws the demo record builders share, all from one ``random.Random``: fast
numbers and samples, ids, timestamps and dates around ``BASE_DATE``, fictional names,
text from the corpus, places, consent, attachments, and the mission a record belongs to.

Pure Python: no Qt, no SQL.
"""

from __future__ import annotations

import bisect
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import TypeVar

from ..core.records import (
    AttachmentRef,
    Consent,
    ConsentScope,
    PartialDate,
    Place,
)
from ..core.regions import region_of
from .corpus import LANGUAGES, Texts, all_texts, texts
from .tables import (
    CONSENT_METHOD,
    COUNTRIES,
    Country,
)

_T = TypeVar("_T")

BASE_DATE = date(2024, 6, 1)
SPAN_DAYS = 730  # records spread over about two years from BASE_DATE
MAX_MISSIONS = 200
_PERMUTATIONS = 512  # cached orders per sequence length, for sample()

# Chinese personal names: a surname and one or two given characters.
_ZH_SURNAMES = ("林", "陈", "黄", "周", "吴", "郑", "何", "罗", "梁", "谢", "宋", "唐")
_ZH_GIVEN = ("秀", "丽", "敏", "静", "霞", "燕", "芳", "兰", "梅", "雪", "婷", "慧", "华", "明",
             "晓", "宁")
# Staff on the mission team: fictional names in Latin script.
_STAFF_SYLLABLES = ("an", "be", "ca", "del", "fi", "ga", "ho", "il", "jo", "ka", "lu", "mo",
                    "na", "or", "pe", "sa", "tor", "va")
_STAFF_ENDINGS = ("sen", "ova", "ez", "ier", "ström", "ani", "well", "dottir")

_MEDIA = (
    ("photo_{n:04d}.jpg", "image/jpeg", True),
    ("consultation_{n:03d}.m4a", "audio/mp4", True),
    ("scan_{n:03d}.pdf", "application/pdf", False),
)


@cache
def _countries_in(region: str) -> tuple[str, ...]:
    return tuple(c.code for c in COUNTRIES if region_of(c.code) == region)


# --- dates and times ---------------------------------------------------------------------------

_DAY_MIN = -1200
_DAY_MAX = SPAN_DAYS + 600
_DATES = tuple((BASE_DATE + timedelta(days=d)).isoformat() for d in range(_DAY_MIN, _DAY_MAX))


def _date(day: int) -> str:
    return _DATES[day - _DAY_MIN]


def _stamp(seconds: int, micros: int) -> str:
    """A UTC timestamp ``seconds`` after BASE_DATE, as records.utc_now() formats it."""
    day, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{_date(day)}T{hours:02d}:{minutes:02d}:{secs:02d}.{micros:06d}Z"


def _partial(day: int, precision: str) -> PartialDate:
    text = _date(day)
    if precision == "month":
        text = text[:8] + "01"
    elif precision == "year":
        text = text[:5] + "01-01"
    return PartialDate(date=text, precision=precision)


# --- the draws --------------------------------------------------------------------------------


@dataclass(slots=True)
class _MissionInfo:
    id: str
    country: Country
    region: str
    lang: str
    kind: str
    start: int
    end: int
    team: tuple[str, ...]
    localities: dict[str, tuple[str, ...]]
    admin_areas: dict[str, tuple[str, ...]]
    people: list[tuple[str, int, str]] = field(default_factory=list)  # (id, day, gender)


class Draws:
    """The generator's state and its draws; ``generator._Generator`` builds records on it."""

    def __init__(self, seed: int, author: str) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
        self._perms: dict[int, list[tuple[int, ...]]] = {}
        self.author = author
        self.media_counter = 0
        self.staff = tuple(self._staff_name() for _ in range(48))
        self.place_roots = {lang: tuple(self._word(lang, 2, 3, t.place_endings)
                                        for _ in range(120))
                            for lang, t in all_texts().items()}
        self.organisations = {
            lang: tuple(self.choice(t.organisations).replace(
                "{r}", self.choice(self.place_roots[lang])) for _ in range(80))
            for lang, t in all_texts().items()
        }
        self.missions: list[_MissionInfo] = []
        self.mission_cum: list[float] = []

    # -- fast draws: random.Random's own choice/randint/sample dominate the run time --

    def choice(self, seq: Sequence[_T]) -> _T:
        return seq[int(self.rng.random() * len(seq))]

    def randint(self, lo: int, hi: int) -> int:
        return lo + int(self.rng.random() * (hi - lo + 1))

    def randrange(self, stop: int) -> int:
        return int(self.rng.random() * stop)

    def sample(self, seq: Sequence[_T], k: int) -> list[_T]:
        """``k`` distinct items of ``seq`` in random order (drawn from cached permutations)."""
        n = len(seq)
        if k * 4 <= n:  # few from many (e.g. people of a mission): draw and reject repeats
            picked: list[int] = []
            while len(picked) < k:
                i = int(self.rng.random() * n)
                if i not in picked:
                    picked.append(i)
            return [seq[i] for i in picked]
        perms = self._perms.get(n)
        if perms is None:
            perms = []
            for _ in range(_PERMUTATIONS):
                shuffled = list(range(n))
                self.rng.shuffle(shuffled)
                perms.append(tuple(shuffled))
            self._perms[n] = perms
        order = perms[int(self.rng.random() * _PERMUTATIONS)]
        return [seq[i] for i in order[:k]]

    # -- small helpers --

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _word(self, lang: str, lo: int, hi: int, endings: Sequence[str]) -> str:
        t = texts(lang)
        word = "".join(self.choice(t.syllables) for _ in range(self.randint(lo, hi)))
        word += self.choice(endings)
        return word.capitalize() if t.capitalise else word

    def _staff_name(self) -> str:
        given = "".join(self.choice(_STAFF_SYLLABLES) for _ in range(self.randint(2, 3)))
        family = "".join(self.choice(_STAFF_SYLLABLES) for _ in range(self.randint(1, 2)))
        return f"{given.capitalize()} {(family + self.choice(_STAFF_ENDINGS)).capitalize()}"

    def person_name(self, lang: str) -> str:
        if lang == "zh":
            given = "".join(self.choice(_ZH_GIVEN) for _ in range(self.randint(1, 2)))
            return self.choice(_ZH_SURNAMES) + given
        t = texts(lang)
        given = self._word(lang, 2, 3, ("",))
        family = self._word(lang, 1, 2, t.family_endings)
        return f"{given}{t.name_space}{family}"

    def times(self, day: int, edits: bool = True) -> tuple[str, str, int]:
        """created_at, updated_at and version for a record created on ``day``."""
        rng = self.rng
        created = day * 86_400 + 7 * 3600 + self.randrange(14 * 3600)
        created_at = _stamp(created, self.randrange(1_000_000))
        if not edits or rng.random() < 0.55:
            return created_at, created_at, 1
        updated = created + 600 + self.randrange(45 * 86_400)
        return created_at, _stamp(updated, self.randrange(1_000_000)), self.randint(2, 6)

    def status(self) -> str:
        return "draft" if self.rng.random() < 0.15 else "final"

    def record_lang(self, mission: _MissionInfo) -> str:
        rng = self.rng
        return mission.lang if rng.random() < 0.75 else self.choice(LANGUAGES)

    def paragraph(self, t: Texts, opens: Sequence[str], body: Sequence[str],
                  closes: Sequence[str], loc: str, extra: Sequence[str] = ()) -> str:
        """An opening, ``extra``, body sentences in random order and a closing, of a length
        drawn from ``t.length`` (never above its upper bound)."""
        lo, hi = t.length
        target = self.randint(lo, hi)
        gap = len(t.sep)
        parts = [self.choice(opens).replace("{loc}", loc), *extra]
        closing = self.choice(closes)
        size = sum(len(p) + gap for p in parts) + len(closing)
        for sentence in self.sample(body, len(body)):
            if size >= target:
                break
            if size + len(sentence) + gap <= hi:
                parts.append(sentence)
                size += len(sentence) + gap
        parts.append(closing)
        return t.sep.join(parts)

    def sentences(self, pool: Sequence[str], lo: int, hi: int, sep: str) -> str:
        return sep.join(self.sample(pool, self.randint(lo, hi)))

    def tags(self, t: Texts) -> list[str]:
        rng = self.rng
        r = rng.random()
        if r < 0.6:
            return []
        return self.sample(t.tags, 1 if r < 0.9 else 2)

    def place(self, mission: _MissionInfo, lang: str, online: bool = False) -> Place:
        if online:
            return Place(country=mission.country.code)
        return Place(country=mission.country.code,
                     admin_area=self.choice(mission.admin_areas[lang]),
                     locality=self.choice(mission.localities[lang]))

    def consent(self, day: int) -> Consent:
        rng = self.rng
        if rng.random() >= 0.9:
            return Consent(obtained=False)
        share = rng.random() < 0.89
        anonymised = rng.random() < 0.25
        return Consent(
            obtained=True,
            method=CONSENT_METHOD.pick(rng),
            date=_date(day),
            scope=ConsentScope(
                share_with_hq=share,
                share_identity_with_hq=share and rng.random() < 0.3,
                raise_with_state=rng.random() < 0.4,
                publish_anonymised=anonymised,
                publish_with_name=anonymised and rng.random() < 0.15,
            ),
        )

    def attachments(self, chance: float, added_at: str, kinds: Sequence[int]
                    ) -> list[AttachmentRef]:
        rng = self.rng
        if rng.random() >= chance:
            return []
        out: list[AttachmentRef] = []
        for _ in range(self.randint(1, 2)):
            pattern, media_type, may_identify = _MEDIA[self.choice(kinds)]
            self.media_counter += 1
            out.append(AttachmentRef(
                sha256=f"{rng.getrandbits(256):064x}",
                filename=pattern.format(n=self.media_counter % 10_000),
                media_type=media_type,
                size=self.randint(40_000, 8_000_000),
                added_at=added_at,
                may_identify=may_identify or rng.random() < 0.3,
            ))
        return out

    def pick_mission(self) -> _MissionInfo:
        rng = self.rng
        cum = self.mission_cum
        return self.missions[bisect.bisect(cum, rng.random() * cum[-1])]
