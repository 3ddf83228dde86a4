"""Schools' register duties that are a number of minutes, days or years (REG24; WTISA)."""

from __future__ import annotations

from rollcall.statutory.base import Duration, Era, StatutoryModel, Text


class GroundIDeletion(StatutoryModel):
    """REG24 reg 9 Ground I: continuous absence, every session coded from `codes`."""

    continuous_absence: Duration
    codes: tuple[Text, ...]
    citation: Text


class LeaveOfAbsence(StatutoryModel):
    """REG24 reg 11: leave on a parent's request made in advance, for exceptional circumstances;
    the codes for leave granted and for a holiday taken without it (reg 10 Table 3)."""

    granted_code: Text
    not_granted_code: Text
    citation: Text


class RegisterRules(Era):
    register_closing_limit: Duration  # WTISA: register closes at most 30 min after it opens
    n_code_correction: Duration  # WTISA: N replaced within 5 school days
    continuous_absence_notification: Duration  # REG24 reg 13
    ground_h_non_return: Duration  # REG24 reg 9 Ground H
    ground_i_deletion: GroundIDeletion  # REG24 reg 9 Ground I
    retention: Duration  # REG24 reg 7
    new_admission_notification: Duration  # REG24 reg 13; WTISA
    leave_of_absence: LeaveOfAbsence  # REG24 reg 10 Table 3, reg 11


class RegistersFile(StatutoryModel):
    registers: tuple[RegisterRules, ...]
