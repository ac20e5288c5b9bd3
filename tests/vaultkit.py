"""Kept for test modules that import the passphrase from here."""

from helpers import PASSPHRASE

__all__ = ["PASSPHRASE"]
