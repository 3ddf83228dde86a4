"""Figures for the attendance pages, computed from the engine's matrix (never per-pupil SQL).

Each module works on a `MarkMatrix` and plain values (dates, URNs, UPNs) and knows nothing of
users: the presenters decide which schools a user may see and pass their URNs in.
"""
