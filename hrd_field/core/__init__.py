"""Domain: records, vocabularies, validation and consent rules. Pure Python: no Qt, no SQL."""
