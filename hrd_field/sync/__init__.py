"""Field side of sync: outbox, upload client, receipts."""
