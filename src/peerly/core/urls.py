from django.urls import path

from peerly.core import views

app_name = "core"

urlpatterns = [
    path("", views.index, name="index"),
    path("home/", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("jobs/<int:job_id>/", views.job_detail, name="job-detail"),
]
