"""rollcall: attendance registers and the support-first pathway for schools in England."""

__version__ = "0.1.0"
