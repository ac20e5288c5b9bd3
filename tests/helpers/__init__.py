"""Helpers for the test suite: sample records and scripts run as subprocesses."""
