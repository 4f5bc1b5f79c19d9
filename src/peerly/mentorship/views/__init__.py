"""Mentorship pages, by sub-domain: parse → selector/service → render or redirect.

Every page reaches its programme through `programs.access.access_program` (see `_common`).
"""

from peerly.mentorship.views.applications import apply
from peerly.mentorship.views.applications import program_home
from peerly.mentorship.views.batches import manage_assign
from peerly.mentorship.views.batches import manage_auto_assign
from peerly.mentorship.views.changes import manage_mentorship
from peerly.mentorship.views.dashboard import manage
from peerly.mentorship.views.dashboard import manage_settings
from peerly.mentorship.views.mentors import mentor_dashboard
from peerly.mentorship.views.mentors import mentor_list
from peerly.mentorship.views.mentors import mentor_profile
from peerly.mentorship.views.mentors import mentor_resign
from peerly.mentorship.views.mentors import nominate
from peerly.mentorship.views.mentors import nomination_detail
from peerly.mentorship.views.mentorships import mentorship_action
from peerly.mentorship.views.mentorships import mentorship_detail
from peerly.mentorship.views.reports_requests import manage_requests
from peerly.mentorship.views.reports_requests import report_create
from peerly.mentorship.views.reports_requests import report_detail
from peerly.mentorship.views.reports_requests import request_decide
from peerly.mentorship.views.reviews import manage_reviews
from peerly.mentorship.views.reviews import review_edit
from peerly.mentorship.views.reviews import review_list

__all__ = [
    "apply",
    "manage",
    "manage_assign",
    "manage_auto_assign",
    "manage_mentorship",
    "manage_requests",
    "manage_reviews",
    "manage_settings",
    "mentor_dashboard",
    "mentor_list",
    "mentor_profile",
    "mentor_resign",
    "mentorship_action",
    "mentorship_detail",
    "nominate",
    "nomination_detail",
    "program_home",
    "report_create",
    "report_detail",
    "request_decide",
    "review_edit",
    "review_list",
]
