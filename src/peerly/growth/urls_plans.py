"""The SWOT, vision and development-plan pages (included by growth/urls.py)."""

from django.urls import path

from peerly.growth import views_plans as v
from peerly.programs.routes import under

plan_patterns = [
    path("swot/", v.swot_current, name="swot"),
    path("swot/new/", v.swot_create, name="swot-create"),
    path("swot/versions/", v.swot_versions, name="swot-versions"),
    path("swot/compare/", v.swot_compare, name="swot-compare"),
    *under(
        "swot/<int:swot_id>/",
        [
            path("", v.swot_detail, name="swot-detail"),
            path("edit/", v.swot_edit, name="swot-edit"),
            path("delete/", v.swot_delete, name="swot-delete"),
            path("share/", v.swot_share, name="swot-share"),
            path("shares/<int:share_id>/withdraw/", v.swot_withdraw, name="swot-withdraw"),
        ],
    ),
    path("vision/", v.vision, name="vision"),
    path("vision/review/", v.vision_review, name="vision-review"),
    path("plans/", v.plan_list, name="plan-list"),
    path("plans/new/", v.plan_create, name="plan-create"),
    *under(
        "plans/<int:plan_id>/",
        [
            path("", v.plan_detail, name="plan-detail"),
            path("edit/", v.plan_edit, name="plan-edit"),
            path("print/", v.plan_print, name="plan-print"),
            path("delete/", v.plan_delete, name="plan-delete"),
            path("share/", v.plan_share, name="plan-share"),
            path("shares/<int:share_id>/withdraw/", v.plan_withdraw, name="plan-withdraw"),
        ],
    ),
    path("shared/swot/<int:swot_id>/", v.shared_swot, name="shared-swot"),
    path("shared/plans/<int:plan_id>/", v.shared_plan, name="shared-plan"),
]
