"""Permission predicates (django-rules), checked in views and the API.

Reads are scoped by selectors to the user's organisation (rollcall.accounts.selectors); who may
write a school's register is rollcall.registers.services.lock. Predicates for casework and
enforcement decisions go here as those areas arrive.
"""
