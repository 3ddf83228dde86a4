"""Seed rules that are out of date, and the rule that applies now.

A seed document is kept as it was written, but some of what it says has since been
replaced by law or statutory guidance. Each such rule is listed with the seed's own words,
where the seed says it, the current rule, its source and the year it changed, so casework
built on the seed applies the current rule and can show the officer why it differs from the
procedure they know.
"""

from __future__ import annotations

from rollcall.policies.fields import Citation, Key, Part, Text, Year


class SupersededRule(Part):
    key: Key
    # The seed's words, quoted.
    seed_says: Text
    # Where the seed says it, starting with the seed's tag: "SEF §6.15".
    seed_source: Citation
    # What applies now, in plain words.
    current_rule: Text
    # Where the current rule comes from: the Act, regulation or guidance paragraph.
    source: Citation
    # The year the seed's rule stopped applying (or, where it never did, the year of the
    # rule now in force; ``note`` says which).
    changed_in: Year
    note: Text | None = None


__all__ = ["SupersededRule"]
