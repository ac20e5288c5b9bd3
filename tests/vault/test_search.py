"""Search as a person types it: words, accents, Arabic prefixes, Chinese, newest first,
and lists narrowed by a common word. Real vaults, the public RecordStore API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import PASSPHRASE

from hrd_field.core import indexing
from hrd_field.core.records import Mission, Record
from hrd_field.demo import generate
from hrd_field.vault.queries import MATCH_CAP, Filters
from hrd_field.vault.vault import Vault
from hrd_field.vault.word_terms import MAX_WORDS


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Vault]:
    v = Vault.create(tmp_path / "vault", PASSPHRASE)
    yield v
    v.close()


def _mission(title: str, notes: str = "") -> Record:
    return Mission(title=title, country="KE", notes=notes)


def _ids(vault: Vault, text: str) -> list[str]:
    return [h.id for h in vault.records.search(text)]


def test_a_word_is_found_from_its_first_letters_and_without_its_accents(vault: Vault) -> None:
    m = vault.records.create(_mission("Visite", "Rencontre avec une défenseuse des droits"))
    assert _ids(vault, "défens") == [m.id]
    assert _ids(vault, "defenseuse") == [m.id]
    assert _ids(vault, "DROITS") == [m.id]


def test_the_middle_of_a_word_is_found_when_no_word_starts_so(vault: Vault) -> None:
    m = vault.records.create(_mission("Visit", "Met three defenders in Kisumu"))
    assert _ids(vault, "fender") == [m.id]
    assert _ids(vault, "isum") == [m.id]
    assert vault.records.count(Filters(type="mission"), text="fender") == 1


def test_arabic_words_are_found_inside_their_prefixes(vault: Vault) -> None:
    m = vault.records.create(_mission("زيارة", "التقينا بالمدافعة عن حقوق الإنسان والمدافعين"))
    assert _ids(vault, "مدافعة") == [m.id]
    assert _ids(vault, "حقوق الإنسان") == [m.id]


def test_chinese_words_of_two_and_more_characters(vault: Vault) -> None:
    m = vault.records.create(_mission("访问", "与人权维护者会面"))
    assert _ids(vault, "人权") == [m.id]
    assert _ids(vault, "维护者") == [m.id]


def test_newest_matches_come_first(vault: Vault) -> None:
    made = [vault.records.create(_mission(f"Visit {i}", "hearing in the district court"))
            for i in range(3)]
    assert _ids(vault, "hearing") == [m.id for m in reversed(made)]
    assert [h.id for h in vault.records.search("hearing", limit=1, offset=1)] == [made[1].id]


def test_every_term_must_match(vault: Vault) -> None:
    both = vault.records.create(_mission("Visit", "court hearing in Nakuru"))
    vault.records.create(_mission("Visit", "court hearing in Mombasa"))
    assert _ids(vault, "hearing nakuru") == [both.id]
    assert _ids(vault, "hearing zanzibar") == []


def test_a_deleted_or_edited_record_leaves_the_word_index(vault: Vault) -> None:
    m = vault.records.create(_mission("Visit", "interview with a journalist"))
    m.notes = "interview with a lawyer"
    m = vault.records.update(m)
    assert _ids(vault, "journalist") == []
    assert _ids(vault, "lawyer") == [m.id]
    vault.records.delete(m.id)
    assert _ids(vault, "lawyer") == []


def test_a_word_is_found_whatever_accents_the_query_or_the_text_carry(vault: Vault) -> None:
    plain = vault.records.create(_mission("Visita", "proteccion de periodistas en Bogota"))
    marked = vault.records.create(_mission("Visite", "Réunion à l'hôpital de Bouaké"))
    assert _ids(vault, "protección") == [plain.id]
    assert _ids(vault, "BOGOTÁ") == [plain.id]
    assert _ids(vault, "hopital") == [marked.id]
    assert _ids(vault, "reunion bouake") == [marked.id]


def test_chinese_words_of_two_and_three_characters_narrow_a_list(vault: Vault) -> None:
    m = vault.records.create(_mission("访问", "与人权维护者会面"))
    vault.records.create(_mission("访问", "与律师会面"))
    filters = Filters(type="mission")
    for text in ("人权", "维护者", "人权维护者"):
        assert vault.records.count(filters, text=text) == 1
        assert [r.id for r in vault.records.rows(filters, text=text)] == [m.id]
    assert vault.records.count(filters, text="会面") == 2


def test_a_common_word_counts_to_one_thousand_and_the_list_holds_its_newest_matches(
        vault: Vault) -> None:
    made = [_mission(f"Visit {i:04d}", "consultation notes") for i in range(MATCH_CAP + 20)]
    vault.records.create_many(made)
    filters = Filters(type="mission")
    assert vault.records.count(filters) == MATCH_CAP + 20  # no search: exact
    assert vault.records.count(filters, text="notes") == MATCH_CAP + 1  # "1,000+"
    assert vault.records.count(filters, text="Visit 0070") == 1
    # the list narrowed by a common word: its newest MATCH_CAP + 1 matches, in the list's
    # order, each once (the oldest 19 are left for a narrower search)
    listed = [r.id for offset in (0, 500, 1000) for r in vault.records.rows(
        filters, text="notes", order_by="title", descending=False, limit=500, offset=offset)]
    newest = [m.id for m in made[-(MATCH_CAP + 1):]]
    assert listed == newest  # titles ascend as they were made
    total, first = vault.records.first_rows(filters, text="notes", order_by="title",
                                            descending=False, limit=60)
    assert total == MATCH_CAP + 1 and [r.id for r in first] == newest[:60]
    total, first = vault.records.first_rows(filters, text="Visit 0003", limit=60)
    assert total == 1 and [r.id for r in first] == [made[3].id]


def test_a_short_start_of_many_words_finds_every_one_of_them(vault: Vault) -> None:
    # more words start with "zq" than are searched one by one: searched as a prefix instead
    made = [_mission("Visit", f"code zq{i:03d}x") for i in range(MAX_WORDS + 5)]
    vault.records.create_many(made)
    assert len(vault.records.search("zq", limit=200)) == MAX_WORDS + 5
    assert len(vault.records.search("ZQ0", limit=200)) == MAX_WORDS + 5
    assert {h.id for h in vault.records.search("zq01")} == {m.id for m in made[10:20]}
    assert vault.records.count(Filters(type="mission"), text="zq02 code") == 10


def test_letters_the_word_index_keeps_are_not_folded_away(vault: Vault) -> None:
    mine = vault.records.create(_mission("Визит", "мой дом"))
    theirs = vault.records.create(_mission("Визит", "мои дома"))
    assert _ids(vault, "мой") == [mine.id]
    assert _ids(vault, "Мои") == [theirs.id]
    assert _ids(vault, "мо") == [theirs.id, mine.id]
    assert _ids(vault, "Дом") == [theirs.id, mine.id]


def _title_codes(record: Record) -> tuple[str, ...]:
    """The codes a hit's title shows, from the record itself (core's own terms)."""
    vocab = {"consultation": "consultation_format",
             "communication": "communication_kind"}.get(record.TYPE, "threat_type")
    return tuple(sorted(c for v, c in indexing.terms(record) if v == vocab))


def _demo_vault(vault: Vault, count: int, batch: int, seed: int = 11) -> list[str]:
    """Demo records written in batches; their ids in the order written."""
    records = list(generate(count, seed=seed))
    for start in range(0, len(records), batch):  # one index segment per transaction or so
        vault.records.create_many(records[start:start + batch])
    return [r.id for r in records]


def test_a_hit_shows_its_record_the_codes_of_its_kind_and_the_words_found(
        vault: Vault) -> None:
    written = _demo_vault(vault, 300, 100)
    for word in ("women", "defenders", "police", "пункте", "人权"):
        hits = vault.records.search(word, limit=100)
        assert hits, word
        listed = {r.id: r for r in vault.records.rows(text=word, limit=1000)}
        for hit in hits:
            record = vault.records.get(hit.id)
            assert (hit.type, hit.title) == (record.TYPE, listed[hit.id].title)
            assert hit.codes == _title_codes(record), (word, record.TYPE)
            assert "[" in hit.snippet and "]" in hit.snippet, (word, hit.snippet)
            shown = hit.snippet[hit.snippet.index("[") + 1:hit.snippet.index("]")]
            assert shown.lower() == word.lower() or word in shown, (word, hit.snippet)
        # newest first: the order they were written in
        assert [h.id for h in hits] == sorted((h.id for h in hits), key=written.index,
                                              reverse=True)
        # pages of the hits are slices of the whole
        assert [h.id for h in vault.records.search(word, limit=7, offset=5)] == \
            [h.id for h in hits[5:12]]
