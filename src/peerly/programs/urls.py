from django.urls import path

from peerly.programs import views
from peerly.programs.routes import under

app_name = "programs"

urlpatterns = [
    path("", views.directory, name="list"),
    path("new/", views.create, name="create"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    # a programme's own pages; its kind's pages are at <slug>/<Kind.url_prefix>/ (peerly/urls.py)
    *under(
        "<slug:slug>/",
        [
            path("", views.detail, name="detail"),
            path("join/", views.join, name="join"),
            path("membership/<str:action>/", views.membership, name="membership"),
            *under(
                "edit/",
                [
                    path("", views.edit, name="edit"),
                    path("questions/", views.question_add, name="question-add"),
                    path(
                        "questions/<int:question_id>/delete/",
                        views.question_delete,
                        name="question-delete",
                    ),
                ],
            ),
            *under(
                "manage/",
                [
                    path("", views.manage, name="manage"),
                    path("approvals/", views.manage_approvals, name="manage-approvals"),
                    path(
                        "approvals/<int:enrollment_id>/<str:action>/",
                        views.decide,
                        name="manage-decide",
                    ),
                    path("invitations/", views.manage_invitations, name="manage-invitations"),
                    path("import/", views.manage_import, name="manage-import"),
                    path("export.csv", views.manage_export, name="manage-export"),
                ],
            ),
        ],
    ),
]
