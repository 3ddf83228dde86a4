"""National limits that a local profile must stay within.

These are not local choices: they bound them. The law itself (amounts, codes,
dates in force) lives in ``rollcall.statutory``; only the few bounds needed to
validate a profile are repeated here, each with its source, so that a profile can be
checked without choosing a date. tests/policies/test_limits_match_statutory.py fails
if they drift from the statutory data.
"""

from __future__ import annotations

# WTISA (Aug 2024): a Notice to Improve gives an improvement period of 3 to 6 weeks; areas
# write it in school weeks (ESX; LA-CoC Southwark) or weeks (LA-CoC Manchester §7.1).
NOTICE_TO_IMPROVE_WEEKS = (3, 6)
NOTICE_TO_IMPROVE_UNITS = ("school_weeks", "weeks")

# WTISA: the register closes no more than 30 minutes after it opens (REG24 reg 10(1): AM at
# the start of the morning session, PM once during the afternoon).
REGISTER_CLOSES_WITHIN_MINUTES = 30

# EA96 s437(1)-(2), s438, s439: the parent (or school) has at least 15 days.
SCHOOL_ATTENDANCE_ORDER_MIN_DAYS = 15

# Sessions a week holds, used to bound "max school days" for a Notice to Improve.
SCHOOL_DAYS_PER_WEEK = 5

# The unauthorised codes that can count towards the penalty-notice threshold (WTISA).
THRESHOLD_CODES = ("G", "N", "O", "U")
