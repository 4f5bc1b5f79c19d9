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

from peerly.mentorship.services._common import ACTION_WORDS
from peerly.mentorship.services._common import NOMINATION_TRANSITIONS
from peerly.mentorship.services._common import TRANSITIONS
from peerly.mentorship.services._common import clock
from peerly.mentorship.services._common import current_time
from peerly.mentorship.services._common import first_of_month
from peerly.mentorship.services._common import previous_month
from peerly.mentorship.services.applications import accept_application
from peerly.mentorship.services.applications import assign_mentor
from peerly.mentorship.services.applications import close_application
from peerly.mentorship.services.applications import decline_application
from peerly.mentorship.services.applications import expire_screening
from peerly.mentorship.services.applications import remind_screening
from peerly.mentorship.services.applications import start_screening
from peerly.mentorship.services.applications import submit_application
from peerly.mentorship.services.applications import withdraw_application
from peerly.mentorship.services.batches import apply_batch
from peerly.mentorship.services.batches import plan_batch
from peerly.mentorship.services.changes import answer_term
from peerly.mentorship.services.changes import ask_term
from peerly.mentorship.services.changes import end_mentorship
from peerly.mentorship.services.changes import flag_term_ended
from peerly.mentorship.services.changes import reassign_mentor
from peerly.mentorship.services.changes import request_mentor_change
from peerly.mentorship.services.configuration import create_settings
from peerly.mentorship.services.configuration import get_settings
from peerly.mentorship.services.configuration import update_settings
from peerly.mentorship.services.goals import GoalProgress
from peerly.mentorship.services.goals import set_goal
from peerly.mentorship.services.mentors import add_mentor
from peerly.mentorship.services.mentors import approve_nomination
from peerly.mentorship.services.mentors import clear_inactive_flag
from peerly.mentorship.services.mentors import decline_nomination
from peerly.mentorship.services.mentors import evaluate_nomination
from peerly.mentorship.services.mentors import flag_inactive_mentor
from peerly.mentorship.services.mentors import nominate_mentor
from peerly.mentorship.services.mentors import resign_mentor
from peerly.mentorship.services.mentors import set_training_item
from peerly.mentorship.services.mentors import update_mentor_profile
from peerly.mentorship.services.mentors import withdraw_nomination
from peerly.mentorship.services.orientation import graduate_mentee
from peerly.mentorship.services.orientation import set_orientation_item
from peerly.mentorship.services.orientation import update_goals
from peerly.mentorship.services.reports_requests import comment_on_report
from peerly.mentorship.services.reports_requests import decide_request
from peerly.mentorship.services.reports_requests import file_report
from peerly.mentorship.services.reports_requests import file_request
from peerly.mentorship.services.reports_requests import flag_overdue_report
from peerly.mentorship.services.reports_requests import parse_amount
from peerly.mentorship.services.reports_requests import recognise_mentee
from peerly.mentorship.services.reports_requests import remind_report
from peerly.mentorship.services.reviews import open_review_round
from peerly.mentorship.services.reviews import submit_review

__all__ = [
    "ACTION_WORDS",
    "NOMINATION_TRANSITIONS",
    "TRANSITIONS",
    "GoalProgress",
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
    "set_goal",
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
