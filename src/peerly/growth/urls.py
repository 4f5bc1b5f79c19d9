from django.urls import path

from peerly.growth import views
from peerly.growth.urls_actions import action_patterns
from peerly.growth.urls_journal import journal_patterns
from peerly.growth.urls_plans import plan_patterns
from peerly.programs.routes import under

app_name = "growth"

urlpatterns = [
    path("", views.home, name="home"),
    path("goals/new/", views.goal_create, name="goal-create"),
    path("shared/<int:goal_id>/", views.shared_goal, name="shared-goal"),
    *under(
        "goals/<int:goal_id>/",
        [
            path("", views.goal_detail, name="goal-detail"),
            path("edit/", views.goal_edit, name="goal-edit"),
            path("check-in/", views.goal_check_in, name="goal-check-in"),
            path("achieve/", views.goal_status, {"action": "achieve"}, name="goal-achieve"),
            path("drop/", views.goal_status, {"action": "drop"}, name="goal-drop"),
            path("reopen/", views.goal_status, {"action": "reopen"}, name="goal-reopen"),
            path("delete/", views.goal_delete, name="goal-delete"),
            path("share/", views.goal_share, name="goal-share"),
            path("shares/<int:share_id>/withdraw/", views.share_withdraw, name="share-withdraw"),
            path("milestones/", views.milestone_add, name="milestone-add"),
            path(
                "milestones/<int:milestone_id>/done/", views.milestone_done, name="milestone-done"
            ),
            path(
                "milestones/<int:milestone_id>/delete/",
                views.milestone_delete,
                name="milestone-delete",
            ),
        ],
    ),
    *plan_patterns,
    *action_patterns,
    *journal_patterns,
]
