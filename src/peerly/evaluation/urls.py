from django.urls import path

from peerly.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("", views.definitions, name="definitions"),
]
