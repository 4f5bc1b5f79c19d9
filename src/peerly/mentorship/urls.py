from django.urls import path

from peerly.mentorship import views

app_name = "mentorship"

urlpatterns = [
    path("", views.program_home, name="program"),
    path("apply/", views.apply, name="apply"),
    path("mentors/", views.mentor_list, name="mentor-list"),
    path("nominate/", views.nominate, name="nominate"),
    path("nominations/<int:nomination_id>/", views.nomination_detail, name="nomination-detail"),
    path("mentor/", views.mentor_dashboard, name="mentor-dashboard"),
    path("mentor/profile/", views.mentor_profile, name="mentor-profile"),
    path("mentor/resign/", views.mentor_resign, name="mentor-resign"),
    path("m/<int:mentorship_id>/", views.mentorship_detail, name="mentorship-detail"),
    path("m/<int:mentorship_id>/reports/new/", views.report_create, name="report-create"),
    path(
        "m/<int:mentorship_id>/do/<str:action>/", views.mentorship_action, name="mentorship-action"
    ),
    path("reports/<int:report_id>/", views.report_detail, name="report-detail"),
    path("requests/<int:request_id>/decide/", views.request_decide, name="request-decide"),
    path("reviews/", views.review_list, name="review-list"),
    path("reviews/<int:review_id>/", views.review_edit, name="review-edit"),
    path("manage/", views.manage, name="manage"),
    path("manage/assign/", views.manage_assign, name="manage-assign"),
    path("manage/auto-assign/", views.manage_auto_assign, name="manage-auto-assign"),
    path("manage/m/<int:mentorship_id>/", views.manage_mentorship, name="manage-mentorship"),
    path("manage/reviews/", views.manage_reviews, name="manage-reviews"),
    path("manage/requests/", views.manage_requests, name="manage-requests"),
    path("manage/settings/", views.manage_settings, name="manage-settings"),
]
