from django.urls import path

from peerly.circles import views

app_name = "circles"

urlpatterns = [
    path("", views.program, name="program"),
    path("known/", views.known_people, name="known"),
    path("guides/<str:name>/", views.guide, name="guide"),
    path("c/<int:circle_id>/", views.circle, name="circle"),
    path("c/<int:circle_id>/vote/", views.circle_vote, name="circle-vote"),
    path("c/<int:circle_id>/close-vote/", views.circle_close_vote, name="circle-close-vote"),
    path("c/<int:circle_id>/calendar.ics", views.circle_ics, name="circle-ics"),
    path("sessions/<int:session_id>/", views.session_detail, name="session"),
    path(
        "sessions/<int:session_id>/attendance/", views.session_attendance, name="session-attendance"
    ),
    path(
        "sessions/<int:session_id>/reschedule/", views.session_reschedule, name="session-reschedule"
    ),
    path("sessions/<int:session_id>/cancel/", views.session_cancel, name="session-cancel"),
    path("blocks/<int:block_id>/", views.block_save, name="block-save"),
    path("actions/<int:action_id>/", views.action_status, name="action-status"),
    path("manage/", views.manage, name="manage"),
    path("manage/settings/", views.manage_settings, name="manage-settings"),
    path("manage/form/", views.manage_form, name="manage-form"),
]
