"""The fixed words profiles may use for events, actions and outcomes.

A closed vocabulary lets the casework app act on a profile (open a stage, offer a
meeting) and turns a typo in a profile into an error instead of a silent no-op.
Each word has a plain-English label for screens and letters.
"""

from __future__ import annotations

from typing import Literal

# Something that happened in a case and can move it into a stage.
Event = Literal[
    "pattern_of_absence_spotted",
    "barriers_identified",
    "no_improvement",
    "support_not_engaged",
    "targets_not_met",
    "review_due",
    "national_threshold_met",
    "legal_action_agreed",
    "legal_action_endorsed",
    "legal_proceedings_no_improvement",
    "fast_track_ended",
]

EVENT_LABELS: dict[Event, str] = {
    "pattern_of_absence_spotted": "A pattern of absence has been spotted",
    "barriers_identified": "Barriers to attendance have been identified with the family",
    "no_improvement": "Support at the previous stage has not improved attendance",
    "support_not_engaged": "Support offered has not been engaged with",
    "targets_not_met": "Attendance targets were not met by the review date",
    "review_due": "The agreed review date has been reached",
    "national_threshold_met": (
        "The national threshold is met (10 unauthorised sessions in 10 school weeks)"
    ),
    "legal_action_agreed": "A panel has agreed that legal action should be considered",
    "legal_action_endorsed": "The multi-agency group has endorsed legal proceedings",
    "legal_proceedings_no_improvement": "Attendance is still unsatisfactory after legal action",
    "fast_track_ended": "The Fast Track was ended early by the school",
}

# Something a school or LA officer does when an attendance trigger fires.
Action = Literal[
    "investigate_reasons",
    "invite_to_meeting",
    "set_attendance_targets",
    "offer_attendance_contract",
    "request_medical_evidence",
    "discuss_with_dsl",
    "consider_social_care_referral",
    "notify_la_termly",
]

ACTION_LABELS: dict[Action, str] = {
    "investigate_reasons": "Investigate the underlying reasons for the absence",
    "invite_to_meeting": "Invite the parents/carers to a meeting",
    "set_attendance_targets": "Set attendance targets with the family",
    "offer_attendance_contract": "Offer an attendance contract",
    "request_medical_evidence": "Ask for medical evidence before authorising illness absence",
    "discuss_with_dsl": "Discuss the pupil with the designated safeguarding lead",
    "consider_social_care_referral": "Consider a referral to children's social care",
    "notify_la_termly": "Include the pupil in the termly list sent to the local authority",
}

# What a panel or meeting may decide.
Outcome = Literal[
    "no_further_action",
    "further_targets",
    "early_help_assessment",
    "attendance_contract",
    "penalty_notice",
    "prosecution",
    "education_supervision_order",
    "parenting_order",
]

OUTCOME_LABELS: dict[Outcome, str] = {
    "no_further_action": "No further action; attendance keeps being monitored",
    "further_targets": "Further targets and a new review date",
    "early_help_assessment": "Early help assessment",
    "attendance_contract": "Attendance contract",
    "penalty_notice": "Penalty notice",
    "prosecution": "Prosecution (s444 Education Act 1996)",
    "education_supervision_order": "Education Supervision Order",
    "parenting_order": "Parenting order",
}
