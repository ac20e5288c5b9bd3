"""A bundle's record lines turned into checked records: each line is a record's JSON, or a
deletion's. Nothing a field device may not send passes: HQ-only casework types, malformed
deletions, invalid records; the first bad line is named in the refusal."""

from __future__ import annotations

from typing import Any

from ..core import codec, legacy
from ..core.casework import HQ_RECORD_TYPES
from ..core.errors import RecordInvalid, UserError
from ..core.formats import DATETIME, UUID
from ..core.i18n import _
from ..core.records import RECORD_TYPES, Record
from ..core.vocab import RECORD_TYPE


class _HqOnly(UserError):
    """A casework type in a field bundle: a device that sends one is broken or forged."""


def parse_lines(data: bytes) -> list[Record | dict[str, Any]]:
    """Every record of a bundle's records member, in order (a deletion: its checked dict);
    a UserError names the first bad line."""
    return [_parse_line(line, number)
            for number, line in enumerate(data.split(b"\n"), start=1) if line.strip()]


def _parse_line(line: bytes, number: int) -> Record | dict[str, Any]:
    try:
        value = codec.parse_line(line)
        kind = value.get("type") if isinstance(value, dict) else None
        if isinstance(kind, str) and kind in HQ_RECORD_TYPES:
            raise _HqOnly(_("Rejected: record {n} in the bundle is a {type}, which is kept at "
                           "headquarters only and never travels in a field bundle; nothing "
                           "was imported.").format(n=number,
                                                   type=RECORD_TYPE.label(kind)))
        if isinstance(value, dict) and value.get("deleted") is True:
            _check_tombstone(value)
            return value
        if isinstance(value, dict):
            # a device not updated yet sends release-1 codes: same mapping as the store's
            # own migration (consent contradictions are flagged, not changed)
            legacy.upgrade(value)
        return codec.from_dict(value, fast=True)
    except _HqOnly:
        raise
    except RecordInvalid as exc:
        raise UserError(_("Rejected: record {n} in the bundle is invalid ({why}); nothing "
                          "was imported.").format(n=number, why=exc)) from exc
    except UserError as exc:
        raise UserError(_("Rejected: line {n} of the records is not a valid record ({why}); "
                          "nothing was imported.").format(n=number, why=exc)) from exc


def _check_tombstone(value: dict[str, Any]) -> None:
    if set(value) != {"id", "type", "version", "deleted", "deleted_at"} \
            or not isinstance(value["type"], str) or value["type"] not in RECORD_TYPES \
            or not isinstance(value["id"], str) or not UUID.match(value["id"]) \
            or not isinstance(value["version"], int) or isinstance(value["version"], bool) \
            or not 1 <= value["version"] <= 2**31 \
            or not isinstance(value["deleted_at"], str) or not DATETIME.match(value["deleted_at"]):
        raise UserError(_("malformed deletion"))
