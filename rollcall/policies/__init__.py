"""Local attendance policy profiles: one area's local choices, as validated data.

A profile (YAML in ``profiles/``) says how one local authority, trust or school
cluster runs the support-first pathway: its stage names and order, attendance
triggers, review periods, Notice to Improve period, Fast Track, local limits on
penalty notices and its letter set. National law is not here: it lives in
``rollcall.statutory``. Pure Python; no Django.

    from rollcall.policies import load_profile
    essex = load_profile("essex")
    essex.threshold_codes            # ("G", "O", "U")
    str(essex.notice_to_improve_period)  # "6 school weeks"
"""

from rollcall.policies.errors import PolicyError, Problem
from rollcall.policies.loading import (
    available_profiles,
    load_profile,
    load_profile_file,
    load_profiles_from,
)
from rollcall.policies.pathway import AttendanceTrigger, Stage
from rollcall.policies.profile import PolicyProfile

__all__ = [
    "AttendanceTrigger",
    "PolicyError",
    "PolicyProfile",
    "Problem",
    "Stage",
    "available_profiles",
    "load_profile",
    "load_profile_file",
    "load_profiles_from",
]
