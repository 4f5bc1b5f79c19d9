from django.urls import path

from peerly.mentorship.views import applications
from peerly.mentorship.views import batches
from peerly.mentorship.views import changes
from peerly.mentorship.views import dashboard
from peerly.mentorship.views import mentors
from peerly.mentorship.views import mentorships
from peerly.mentorship.views import reports_requests
from peerly.mentorship.views import reviews

app_name = "mentorship"

urlpatterns = [
    path("", applications.program_home, name="program"),
    path("apply/", applications.apply, name="apply"),
    path("mentors/", mentors.mentor_list, name="mentor-list"),
    path("nominate/", mentors.nominate, name="nominate"),
    path("nominations/<int:nomination_id>/", mentors.nomination_detail, name="nomination-detail"),
    path("mentor/", mentors.mentor_dashboard, name="mentor-dashboard"),
    path("mentor/profile/", mentors.mentor_profile, name="mentor-profile"),
    path("mentor/resign/", mentors.mentor_resign, name="mentor-resign"),
    path("m/<int:mentorship_id>/", mentorships.mentorship_detail, name="mentorship-detail"),
    path(
        "m/<int:mentorship_id>/reports/new/", reports_requests.report_create, name="report-create"
    ),
    path(
        "m/<int:mentorship_id>/do/<str:action>/",
        mentorships.mentorship_action,
        name="mentorship-action",
    ),
    path("reports/<int:report_id>/", reports_requests.report_detail, name="report-detail"),
    path(
        "requests/<int:request_id>/decide/", reports_requests.request_decide, name="request-decide"
    ),
    path("reviews/", reviews.review_list, name="review-list"),
    path("reviews/<int:review_id>/", reviews.review_edit, name="review-edit"),
    path("manage/", dashboard.manage, name="manage"),
    path("manage/assign/", batches.manage_assign, name="manage-assign"),
    path("manage/auto-assign/", batches.manage_auto_assign, name="manage-auto-assign"),
    path("manage/m/<int:mentorship_id>/", changes.manage_mentorship, name="manage-mentorship"),
    path("manage/reviews/", reviews.manage_reviews, name="manage-reviews"),
    path("manage/requests/", reports_requests.manage_requests, name="manage-requests"),
    path("manage/settings/", dashboard.manage_settings, name="manage-settings"),
]
