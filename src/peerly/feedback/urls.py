from django.urls import path

from peerly.feedback import views
from peerly.programs.routes import under

app_name = "feedback"

urlpatterns = [
    path("", views.home, name="home"),
    path("surveys/<int:survey_id>/", views.answer, name="answer"),
    path("after/<slug:kind>/<slug:ref>/", views.session, name="session"),
    *under(
        "programs/<slug:slug>/",
        [
            path("leave/", views.leave, name="leave"),
            path("manage/", views.manage, name="manage"),
            path("manage/settings/", views.nps_settings, name="settings"),
            path("manage/new/", views.survey_create, name="survey-create"),
            path("manage/<int:survey_id>/", views.results, name="results"),
            path("manage/<int:survey_id>/close/", views.close, name="close"),
            path("manage/<int:survey_id>/export.csv", views.export, name="export"),
        ],
    ),
]
