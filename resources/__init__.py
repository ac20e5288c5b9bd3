"""Stylesheet, icons and other files the desktop app loads (package ``hrd_field.resources``)."""
