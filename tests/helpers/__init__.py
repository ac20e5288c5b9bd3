"""Helpers for the test suite: sample records and scripts run as subprocesses."""

# The suite's passphrase. Test modules cannot import ``conftest`` by name (tests/bundle has
# its own conftest.py, which wins in sys.modules), so it lives here.
PASSPHRASE = "correct horse battery staple"
