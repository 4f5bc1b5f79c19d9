"""Email categories: what a member can unsubscribe from, and which category every template is.

Every email template under `templates/emails/` has exactly one category here (a test checks
that a new template is not forgotten). `security` emails (sign-up, password, account set-up)
cannot be turned off and carry no List-Unsubscribe header.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy


class Category(models.TextChoices):
    MATCHES_MEETINGS = "matches_meetings", gettext_lazy("Matches and meetings")
    REMINDERS = "reminders", gettext_lazy("Reminders")
    REPORTS_REVIEWS = "reports_reviews", gettext_lazy("Reports, reviews and decisions")
    ANNOUNCEMENTS = "announcements", gettext_lazy("Programme announcements")
    FEEDBACK_REQUESTS = "feedback_requests", gettext_lazy("Feedback requests")
    SECURITY = "security", gettext_lazy("Account and security")


# One line for the "Why you got this" footer, per category.
WHY = {
    Category.MATCHES_MEETINGS: gettext_lazy(
        "it is about your matches, groups or meetings in a programme"
    ),
    Category.REMINDERS: gettext_lazy("it reminds you of something coming up or due in a programme"),
    Category.REPORTS_REVIEWS: gettext_lazy(
        "it is about a report, review or decision in a programme"
    ),
    Category.ANNOUNCEMENTS: gettext_lazy(
        "it is news about a programme you belong to or were invited to"
    ),
    Category.FEEDBACK_REQUESTS: gettext_lazy("a programme you take part in asks for your feedback"),
    Category.SECURITY: gettext_lazy(
        "it is about your account's security; these emails cannot be turned off"
    ),
}

# Categories a member may opt out of.
OPTIONAL = frozenset(c for c in Category if c != Category.SECURITY)

TEMPLATE_CATEGORIES: dict[str, Category] = {
    # accounts
    "account_exists": Category.SECURITY,
    "confirm_email": Category.SECURITY,
    "password_reset": Category.SECURITY,
    "import_welcome": Category.SECURITY,
    # programmes
    "import_enrolled": Category.ANNOUNCEMENTS,
    "invitation": Category.ANNOUNCEMENTS,
    "enrollment_approved": Category.ANNOUNCEMENTS,
    "enrollment_declined": Category.ANNOUNCEMENTS,
    "enrollment_pending": Category.REPORTS_REVIEWS,
    # coffee rounds
    "rounds_published": Category.MATCHES_MEETINGS,
    "rounds_unmatched": Category.MATCHES_MEETINGS,
    "rounds_meeting_proposed": Category.MATCHES_MEETINGS,
    "rounds_meeting_confirmed": Category.MATCHES_MEETINGS,
    "rounds_meeting_cancelled": Category.MATCHES_MEETINGS,
    "rounds_reminder": Category.REMINDERS,
    "rounds_checkin": Category.FEEDBACK_REQUESTS,
    "rounds_paused": Category.ANNOUNCEMENTS,
    # circles
    "circles_formed": Category.MATCHES_MEETINGS,
    "circles_unmatched": Category.MATCHES_MEETINGS,
    "circles_calendar": Category.MATCHES_MEETINGS,
    "circles_cancelled": Category.MATCHES_MEETINGS,
    "circles_reminder": Category.REMINDERS,
    # mentorship
    "mentorship_assigned": Category.MATCHES_MEETINGS,
    "mentorship_assigned_mentee": Category.MATCHES_MEETINGS,
    "mentorship_accepted": Category.MATCHES_MEETINGS,
    "mentorship_declined": Category.MATCHES_MEETINGS,
    "mentorship_withdrawn": Category.MATCHES_MEETINGS,
    "mentorship_graduated": Category.MATCHES_MEETINGS,
    "mentorship_ended": Category.MATCHES_MEETINGS,
    "mentorship_reassigned": Category.MATCHES_MEETINGS,
    "mentorship_term_ended": Category.MATCHES_MEETINGS,
    "mentorship_screening_expired": Category.MATCHES_MEETINGS,
    "mentorship_mentor_resigned": Category.MATCHES_MEETINGS,
    "mentorship_screening_reminder": Category.REMINDERS,
    "mentorship_report_reminder": Category.REMINDERS,
    "mentorship_report_overdue": Category.REMINDERS,
    "mentorship_submitted": Category.REPORTS_REVIEWS,
    "mentorship_returned": Category.REPORTS_REVIEWS,
    "mentorship_change_requested": Category.REPORTS_REVIEWS,
    "mentorship_mentor_inactive": Category.REPORTS_REVIEWS,
    "mentorship_report_filed": Category.REPORTS_REVIEWS,
    "mentorship_report_comment": Category.REPORTS_REVIEWS,
    "mentorship_request_filed": Category.REPORTS_REVIEWS,
    "mentorship_request_decided": Category.REPORTS_REVIEWS,
    "mentorship_review_received": Category.REPORTS_REVIEWS,
    "mentorship_nominated": Category.REPORTS_REVIEWS,
    "mentorship_nomination_evaluate": Category.REPORTS_REVIEWS,
    "mentorship_nomination_review": Category.REPORTS_REVIEWS,
    "mentorship_nomination_decided": Category.REPORTS_REVIEWS,
    "mentorship_review_open": Category.FEEDBACK_REQUESTS,
    "mentorship_term_ask": Category.FEEDBACK_REQUESTS,
    "mentorship_recognition": Category.ANNOUNCEMENTS,
    # feedback
    "feedback_invitation": Category.FEEDBACK_REQUESTS,
    "feedback_reminder": Category.FEEDBACK_REQUESTS,
    # recognition
    "recognition_kudos": Category.ANNOUNCEMENTS,
    "recognition_certificate": Category.ANNOUNCEMENTS,
}


def category_for(template: str) -> Category:
    """The category of an email template; an unlisted template counts as an announcement.

    (Unlisted is a bug the template-coverage test reports; failing open to an opt-out-able
    category is safer than sending a newsletter-like email that cannot be stopped.)
    """
    return TEMPLATE_CATEGORIES.get(template, Category.ANNOUNCEMENTS)
