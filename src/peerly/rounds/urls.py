from django.urls import path

from peerly.rounds import views

app_name = "rounds"

urlpatterns = [
    path("", views.program, name="program"),
    path("choice/<str:action>/", views.choice, name="choice"),
    path("groups/<int:group_id>/", views.group_detail, name="group-detail"),
    path("groups/<int:group_id>/propose/", views.group_propose, name="group-propose"),
    path("groups/<int:group_id>/accept/", views.group_accept, name="group-accept"),
    path("groups/<int:group_id>/cancel/", views.group_cancel, name="group-cancel"),
    path("groups/<int:group_id>/check-in/", views.checkin, name="checkin"),
    path(
        "groups/<int:group_id>/suggestions/<int:index>.ics",
        views.suggestion_ics,
        name="suggestion-ics",
    ),
    path("groups/<int:group_id>/meeting.ics", views.meeting_ics, name="meeting-ics"),
    path("resume/<str:token>/", views.resume, name="resume"),
    path("manage/", views.manage, name="manage"),
    path("manage/settings/", views.settings_edit, name="manage-settings"),
    path("manage/preview/", views.preview, name="preview"),
    path("manage/publish/", views.publish, name="publish"),
    path("manage/rounds/<int:number>/", views.round_detail, name="round-detail"),
    path("manage/report/", views.report, name="manage-report"),
]
