from django.contrib import admin
from django.urls import include
from django.urls import path

from peerly.api.api import api
from peerly.core.i18n import set_language
from peerly.programs import kinds

urlpatterns = [
    path("", include("peerly.core.urls")),
    path("i18n/setlang/", set_language, name="set_language"),  # the language switch (no JS)
    path("accounts/", include("peerly.accounts.urls")),
    # each registered programme kind's pages at /programs/<slug>/<kind.url_prefix>/
    *(
        path(f"programs/<slug:slug>/{kind.url_prefix}/", include(kind.urls_module))
        for kind in kinds.registry()
        if kind.url_prefix and kind.urls_module
    ),
    path("programs/", include("peerly.programs.urls")),
    path("notifications/", include("peerly.notifications.urls")),
    path("calendar/", include("peerly.notifications.urls_feeds")),  # private calendar feeds
    path("growth/", include("peerly.growth.urls")),
    path("feedback/", include("peerly.feedback.urls")),
    path("recognition/", include("peerly.recognition.urls")),
    path("resources/", include("peerly.resources.urls")),
    path("metrics/", include("peerly.evaluation.urls")),
    path("insights/", include("peerly.insights.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
