"""Helpers for the test suite: sample records and scripts run as subprocesses."""

# The suite's passphrase, as tests/conftest.py defines it. Test modules cannot import
# ``conftest`` by name (tests/bundle has its own conftest.py, which wins in sys.modules);
# test_cli_records.py checks that the two stay equal.
PASSPHRASE = "correct horse battery staple"
