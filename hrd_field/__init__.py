"""HRD Field: encrypted, offline-first records for human rights field missions."""

__version__ = "0.1.0"
