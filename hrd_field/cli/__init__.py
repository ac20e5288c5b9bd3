"""The command line: the same services as the GUI, for automation, HQ servers and tests."""
