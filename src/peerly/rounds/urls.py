from django.urls import path

from peerly.programs.routes import kind_urlpatterns
from peerly.programs.routes import under
from peerly.rounds import views
from peerly.rounds import views_learn

app_name = "rounds"

urlpatterns = kind_urlpatterns(
    home=views.program,
    manage=views.manage,
    settings=views.settings_edit,
    pages=[
        path("choice/<str:action>/", views.choice, name="choice"),
        path("learn-note/", views_learn.learn_note, name="learn-note"),
        *under(
            "groups/<int:group_id>/",
            [
                path("", views.group_detail, name="group-detail"),
                path("propose/", views.group_propose, name="group-propose"),
                path("accept/", views.group_accept, name="group-accept"),
                path("cancel/", views.group_cancel, name="group-cancel"),
                path("check-in/", views.checkin, name="checkin"),
                path("suggestions/<int:index>.ics", views.suggestion_ics, name="suggestion-ics"),
                path("meeting.ics", views.meeting_ics, name="meeting-ics"),
            ],
        ),
        path("resume/<str:token>/", views.resume, name="resume"),
    ],
    manage_pages=[
        path("preview/", views.preview, name="preview"),
        path("publish/", views.publish, name="publish"),
        path("rounds/<int:number>/", views.round_detail, name="round-detail"),
        path("report/", views.report, name="manage-report"),
    ],
)
