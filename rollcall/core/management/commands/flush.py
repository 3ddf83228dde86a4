"""`rollcall flush`: Django's flush, allowed to empty the evidence tables.

Emptying the whole database is the one deliberate act that may remove evidence (the demo's
reset, the test suite between tests); everything else is refused by the database's guards
(`rollcall.core.evidence`).
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush

from rollcall.core.evidence import erasing_evidence


class Command(flush.Command):
    help = flush.Command.help + " Evidence tables are emptied too: this is a whole reset."

    def handle(self, **options: Any) -> None:
        with erasing_evidence():
            super().handle(**options)
