"""What a typed word prefix stands for in the word index: the whole words it starts.

FTS5 reads a prefix query (``"defen"*``) by merging the lists of every word that starts so
into one, and walked newest first that merge is slow (measured at 100k records: 380 ms for
``"defender"*`` against 5 ms for the two words it stands for). A search as you type wants
the newest matches first, so the prefix is looked up in the index's vocabulary (the
``records_words_terms`` table, an ``fts5vocab`` view of it) and searched as those words
(``"defender" OR "defenders"``), each read newest first on its own.

The vocabulary holds words as the tokenizer left them (lower case, accents removed the way
``unicode61 remove_diacritics 2`` removes them, which is not Unicode's way: it keeps
Cyrillic й and Greek ά). So the typed prefix is folded by that same tokenizer, in a private
in-memory database, before it is compared with the vocabulary.
"""

from __future__ import annotations

import threading
from typing import Any

import sqlcipher3

from .database import Database

WORDS_TOKENIZER = "unicode61 remove_diacritics 2"
MAX_WORDS = 48
"""A prefix that starts more words than this (two or three letters) is searched as a
prefix: OR-ing that many lists costs more than the merge."""

_lock = threading.Lock()
_folder: Any = None


def _folding_db() -> Any:
    global _folder
    if _folder is None:
        conn = sqlcipher3.connect(":memory:", check_same_thread=False, isolation_level=None)
        conn.execute("CREATE VIRTUAL TABLE fold USING fts5 (t, tokenize = "
                      f"'{WORDS_TOKENIZER}', detail = none)")
        conn.execute("CREATE VIRTUAL TABLE fold_terms USING fts5vocab (fold, 'instance')")
        _folder = conn
    return _folder


def fold(word: str) -> str | None:
    """``word`` as the word index's tokenizer stores it; None if it makes no single token."""
    with _lock:
        conn = _folding_db()
        conn.execute("BEGIN")
        try:
            conn.execute("INSERT INTO fold (rowid, t) VALUES (1, ?)", (word,))
            tokens = [t for (t,) in conn.execute("SELECT term FROM fold_terms")]
        finally:
            conn.execute("ROLLBACK")  # nothing of the query stays, even in memory
    return tokens[0] if len(tokens) == 1 else None


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def expand(db: Database, prefixes: list[str]) -> str | None:
    """The MATCH expression for live records having, for every prefix, a word that starts
    with it; None when some prefix starts no word in the index."""
    groups = []
    for prefix in prefixes:
        folded = fold(prefix)
        if folded is None:
            groups.append(_quoted(prefix) + "*")
            continue
        words = [w for (w,) in db.query(
            "SELECT term FROM records_words_terms WHERE term >= ? AND term < ? LIMIT ?",
            (folded, folded + "\U0010ffff", MAX_WORDS + 1))]
        if not words:
            return None
        if len(words) > MAX_WORDS:
            groups.append(_quoted(folded) + "*")
        else:
            groups.append("(" + " OR ".join(_quoted(w) for w in words) + ")")
    return " AND ".join(groups)
