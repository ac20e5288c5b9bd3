"""Errors the user can act on. Messages are translated where they are shown."""

from __future__ import annotations

from dataclasses import dataclass


class UserError(Exception):
    """An error with a clear, translated one-line message; never a bug."""


@dataclass(frozen=True)
class FieldError:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class RecordInvalid(UserError):
    def __init__(self, errors: list[FieldError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:5]) + (
            f" (+{len(errors) - 5})" if len(errors) > 5 else ""
        ))
