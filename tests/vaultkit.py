"""Constants shared by the test modules (import with ``from vaultkit import …``)."""

PASSPHRASE = "correct horse battery staple"
