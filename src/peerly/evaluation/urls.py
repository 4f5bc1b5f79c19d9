from django.urls import path

from peerly.evaluation import views
from peerly.evaluation import views_dashboard
from peerly.evaluation import views_network
from peerly.evaluation import views_targets

app_name = "evaluation"

urlpatterns = [
    path("", views.definitions, name="definitions"),
    path("overview/", views_dashboard.overview_page, name="overview"),
    path("dashboard/<slug:slug>/", views_dashboard.dashboard_page, name="dashboard"),
    path("network/<slug:slug>/", views_network.network_page, name="network"),
    path("network/<slug:slug>/refresh/", views_network.network_refresh, name="network-refresh"),
    path("targets/<slug:slug>/", views_targets.targets_page, name="targets"),
    path(
        "targets/<slug:slug>/<int:target_id>/remove/",
        views_targets.target_remove,
        name="target-remove",
    ),
]
