"""HQ side: device registry, importer, intake service, reports."""
