"""Calendar feeds at /calendar/ (notifications/views_feeds.py)."""

from django.urls import path

from peerly.notifications import views_feeds

app_name = "calendar"

urlpatterns = [
    path("", views_feeds.calendar_page, name="page"),
    path("create/", views_feeds.calendar_create, name="create"),
    path("reset/", views_feeds.calendar_reset, name="reset"),
    path("delete/", views_feeds.calendar_delete, name="delete"),
    path("<str:token>.ics", views_feeds.feed, name="feed"),
    path("<str:token>/circle/<int:circle_id>.ics", views_feeds.circle_feed, name="circle-feed"),
]
