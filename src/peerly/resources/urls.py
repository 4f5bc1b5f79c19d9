from django.urls import path

from peerly.resources import views

app_name = "resources"

urlpatterns = [
    path("", views.library, name="library"),
    path("new/", views.new, name="new"),
    path("usage/", views.usage, name="usage"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/file/", views.download, name="download"),
    path("<slug:slug>/helpful/", views.helpful, name="helpful"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/delete/", views.delete, name="delete"),
]
