from django.contrib import admin
from django.urls import include, path

from peerly.api.api import api

urlpatterns = [
    path("", include("peerly.core.urls")),
    path("accounts/", include("peerly.accounts.urls")),
    path("programs/<slug:slug>/coffee/", include("peerly.rounds.urls")),
    path("programs/<slug:slug>/circles/", include("peerly.circles.urls")),
    path("programs/<slug:slug>/mentorship/", include("peerly.mentorship.urls")),
    path("programs/", include("peerly.programs.urls")),
    path("notifications/", include("peerly.notifications.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
