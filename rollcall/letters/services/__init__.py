"""Writes for letters: drafts (prepare, reword), issuing one letter of record to each parent,
and recording how each was sent. Each write is one transaction with its audit event; letters
and sendings also enter the case's chronology."""
