"""Letters of record to each parent: versioned wording, a PDF of record, and how each parent
was sent it, with the evidence (see docs/adr/0017-letters-of-record.md)."""
