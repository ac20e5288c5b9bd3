"""Translation catalogs (gettext .po), installed as ``hrd_field.catalogs``.

``hrd_field.pot`` is extracted from the code (``make i18n``); each language has
``<lang>/LC_MESSAGES/hrd_field.po``. The app compiles them in memory when it starts, so no
compiled file is committed or written to disk.
"""
