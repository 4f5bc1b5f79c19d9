"""The action items' pages (included by growth/urls.py)."""

from django.urls import path

from peerly.growth import views_actions
from peerly.programs.routes import under

action_patterns = [
    path("actions/", views_actions.action_list, name="actions"),
    path("actions/new/", views_actions.action_add, name="action-add"),
    *under(
        "actions/<int:action_id>/",
        [
            path("edit/", views_actions.action_edit, name="action-edit"),
            path("status/", views_actions.action_status, name="action-status"),
            path("delete/", views_actions.action_delete, name="action-delete"),
        ],
    ),
]
