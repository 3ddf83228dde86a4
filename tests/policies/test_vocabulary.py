"""Every word a profile may use has a label for screens and letters."""

from __future__ import annotations

from typing import get_args

from rollcall.policies.vocabulary import (
    ACTION_LABELS,
    EVENT_LABELS,
    OUTCOME_LABELS,
    Action,
    Event,
    Outcome,
)


def test_every_event_action_and_outcome_has_a_label() -> None:
    assert set(EVENT_LABELS) == set(get_args(Event))
    assert set(ACTION_LABELS) == set(get_args(Action))
    assert set(OUTCOME_LABELS) == set(get_args(Outcome))
