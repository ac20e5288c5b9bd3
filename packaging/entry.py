"""Entry point of the frozen app (PyInstaller): the same as ``python -m hrd_field``."""

import sys

from hrd_field.app import main

if __name__ == "__main__":
    sys.exit(main())
