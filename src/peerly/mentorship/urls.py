from django.urls import path

from peerly.mentorship.views import actions as agreed_actions
from peerly.mentorship.views import applications
from peerly.mentorship.views import batches
from peerly.mentorship.views import changes
from peerly.mentorship.views import dashboard
from peerly.mentorship.views import goals
from peerly.mentorship.views import mentors
from peerly.mentorship.views import mentorships
from peerly.mentorship.views import reports_requests
from peerly.mentorship.views import reviews
from peerly.programs.routes import kind_urlpatterns
from peerly.programs.routes import under

app_name = "mentorship"

urlpatterns = kind_urlpatterns(
    home=applications.program_home,
    manage=dashboard.manage,
    settings=dashboard.manage_settings,
    pages=[
        path("apply/", applications.apply, name="apply"),
        path("mentors/", mentors.mentor_list, name="mentor-list"),
        path("nominate/", mentors.nominate, name="nominate"),
        path(
            "nominations/<int:nomination_id>/", mentors.nomination_detail, name="nomination-detail"
        ),
        *under(
            "mentor/",
            [
                path("", mentors.mentor_dashboard, name="mentor-dashboard"),
                path("profile/", mentors.mentor_profile, name="mentor-profile"),
                path("resign/", mentors.mentor_resign, name="mentor-resign"),
            ],
        ),
        *under(
            "m/<int:mentorship_id>/",
            [
                path("", mentorships.mentorship_detail, name="mentorship-detail"),
                path("reports/new/", reports_requests.report_create, name="report-create"),
                path("goals/new/", goals.goal_create, name="goal-create"),
                path("do/<str:action>/", mentorships.mentorship_action, name="mentorship-action"),
                path("actions/", agreed_actions.action_add, name="action-add"),
            ],
        ),
        path("reports/<int:report_id>/", reports_requests.report_detail, name="report-detail"),
        path(
            "requests/<int:request_id>/decide/",
            reports_requests.request_decide,
            name="request-decide",
        ),
        *under(
            "reviews/",
            [
                path("", reviews.review_list, name="review-list"),
                path("<int:review_id>/", reviews.review_edit, name="review-edit"),
            ],
        ),
    ],
    manage_pages=[
        path("assign/", batches.manage_assign, name="manage-assign"),
        path("auto-assign/", batches.manage_auto_assign, name="manage-auto-assign"),
        path("m/<int:mentorship_id>/", changes.manage_mentorship, name="manage-mentorship"),
        path("reviews/", reviews.manage_reviews, name="manage-reviews"),
        path("requests/", reports_requests.manage_requests, name="manage-requests"),
    ],
)
