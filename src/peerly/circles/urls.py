from django.urls import path

from peerly.circles import views
from peerly.programs.routes import kind_urlpatterns
from peerly.programs.routes import under

app_name = "circles"

urlpatterns = kind_urlpatterns(
    home=views.program,
    manage=views.manage,
    settings=views.manage_settings,
    pages=[
        path("known/", views.known_people, name="known"),
        path("guides/<str:name>/", views.guide, name="guide"),
        *under(
            "c/<int:circle_id>/",
            [
                path("", views.circle, name="circle"),
                path("vote/", views.circle_vote, name="circle-vote"),
                path("close-vote/", views.circle_close_vote, name="circle-close-vote"),
                path("calendar.ics", views.circle_ics, name="circle-ics"),
            ],
        ),
        *under(
            "sessions/<int:session_id>/",
            [
                path("", views.session_detail, name="session"),
                path("attendance/", views.session_attendance, name="session-attendance"),
                path("reschedule/", views.session_reschedule, name="session-reschedule"),
                path("cancel/", views.session_cancel, name="session-cancel"),
            ],
        ),
        path("blocks/<int:block_id>/", views.block_save, name="block-save"),
        path("blocks/<int:block_id>/goal/", views.block_goal, name="block-goal"),
        path("actions/<int:action_id>/", views.action_status, name="action-status"),
    ],
    manage_pages=[path("form/", views.manage_form, name="manage-form")],
)
