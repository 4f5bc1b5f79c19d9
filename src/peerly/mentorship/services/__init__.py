"""Mentorship state changes: one function per action, atomic, audited, notifying once.

Split by sub-domain (applications, orientation, reports and requests, changes, mentors and
nominations, reviews, batches, configuration); `_common` holds the transition tables, the locks
and `finish`, the one save → audit ending. Every email goes through `peerly.mentorship.emails`.
Import from here: `from peerly.mentorship import services; services.assign_mentor(...)`.

Every transition names the states it may start from (`TRANSITIONS`); anything else is refused
with a `TransitionError` and changes nothing. Capacity is enforced with the mentor profile row
locked (`select_for_update`) and the live mentorships counted inside the same transaction;
`MentorProfile.load <= capacity` is a database check constraint as the backstop.
"""

from peerly.mentorship.services._common import (
    ACTION_WORDS,
    NOMINATION_TRANSITIONS,
    TRANSITIONS,
    clock,
    current_time,
    first_of_month,
    previous_month,
)
from peerly.mentorship.services.applications import (
    accept_application,
    assign_mentor,
    close_application,
    decline_application,
    expire_screening,
    remind_screening,
    start_screening,
    submit_application,
    withdraw_application,
)
from peerly.mentorship.services.batches import apply_batch, plan_batch
from peerly.mentorship.services.changes import (
    answer_term,
    ask_term,
    end_mentorship,
    flag_term_ended,
    reassign_mentor,
    request_mentor_change,
)
from peerly.mentorship.services.configuration import create_settings, get_settings, update_settings
from peerly.mentorship.services.mentors import (
    add_mentor,
    approve_nomination,
    clear_inactive_flag,
    decline_nomination,
    evaluate_nomination,
    flag_inactive_mentor,
    nominate_mentor,
    resign_mentor,
    set_training_item,
    update_mentor_profile,
    withdraw_nomination,
)
from peerly.mentorship.services.orientation import (
    graduate_mentee,
    set_orientation_item,
    update_goals,
)
from peerly.mentorship.services.reports_requests import (
    comment_on_report,
    decide_request,
    file_report,
    file_request,
    flag_overdue_report,
    parse_amount,
    recognise_mentee,
    remind_report,
)
from peerly.mentorship.services.reviews import open_review_round, submit_review

__all__ = [
    "ACTION_WORDS",
    "NOMINATION_TRANSITIONS",
    "TRANSITIONS",
    "accept_application",
    "add_mentor",
    "answer_term",
    "apply_batch",
    "approve_nomination",
    "ask_term",
    "assign_mentor",
    "clear_inactive_flag",
    "clock",
    "close_application",
    "comment_on_report",
    "create_settings",
    "current_time",
    "decide_request",
    "decline_application",
    "decline_nomination",
    "end_mentorship",
    "evaluate_nomination",
    "expire_screening",
    "file_report",
    "file_request",
    "first_of_month",
    "flag_inactive_mentor",
    "flag_overdue_report",
    "flag_term_ended",
    "get_settings",
    "graduate_mentee",
    "nominate_mentor",
    "open_review_round",
    "parse_amount",
    "plan_batch",
    "previous_month",
    "reassign_mentor",
    "recognise_mentee",
    "remind_report",
    "remind_screening",
    "request_mentor_change",
    "resign_mentor",
    "set_orientation_item",
    "set_training_item",
    "start_screening",
    "submit_application",
    "submit_review",
    "update_goals",
    "update_mentor_profile",
    "update_settings",
    "withdraw_application",
    "withdraw_nomination",
]
