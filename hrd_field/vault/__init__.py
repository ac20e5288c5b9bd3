"""The encrypted vault: the only package that talks to SQLCipher."""
