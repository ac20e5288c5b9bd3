"""Bundle size limits, apart from the exporter so the command line's parser can show them
without importing the export machinery."""

DEFAULT_MAX_SIZE = 32 << 20
MIN_MAX_SIZE = 64 << 10
