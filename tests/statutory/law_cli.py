"""Run `rollcall law ...` in-process, as an officer would from the shell."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

from django.core.management import call_command


def law(*args: str) -> str:
    out = StringIO()
    call_command("law", *args, stdout=out)
    return out.getvalue()


def law_json(*args: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(law(*args, "--format", "json"))
    return result
