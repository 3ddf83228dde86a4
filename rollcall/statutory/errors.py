"""Errors raised by the statutory package, worded for the person who will read them."""

from __future__ import annotations

from datetime import date


class StatutoryDataError(ValueError):
    """A statutory data file is missing or malformed. The message names the file and the key."""

    def __init__(self, file_name: str, key: str, problem: str) -> None:
        self.file_name = file_name
        self.key = key
        self.problem = problem
        where = f"{file_name}: {key}" if key else file_name
        super().__init__(f"{where}: {problem}")


class UnknownCode(ValueError):
    """A register code that is not a national attendance code (at all, or on the date asked)."""

    def __init__(self, code: str, on: date | None = None, earliest: date | None = None) -> None:
        self.code = code
        self.on = on
        if on is None:
            message = f"{code!r} is not an attendance code"
        else:
            message = f"{code!r} is not an attendance code in force on {on.isoformat()}"
            if earliest is not None and on < earliest:
                message += f" (rollcall's statutory data begins on {earliest.isoformat()})"
        super().__init__(message)


class BeforeStatutoryData(ValueError):
    """A date earlier than the first day rollcall holds the law for."""

    def __init__(self, on: date, earliest: date) -> None:
        self.on = on
        self.earliest = earliest
        super().__init__(
            f"rollcall holds the law from {earliest.isoformat()} onwards; "
            f"nothing is recorded for {on.isoformat()}"
        )
