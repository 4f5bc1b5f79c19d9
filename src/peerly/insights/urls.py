from django.urls import path

from peerly.insights import views

app_name = "insights"

urlpatterns = [
    path("<slug:slug>/", views.themes_page, name="themes"),
]
