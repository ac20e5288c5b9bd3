"""Desktop application (PySide6): windows, dialogs, Qt models. Calls the layers below."""
