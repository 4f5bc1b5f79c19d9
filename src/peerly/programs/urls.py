from django.urls import path

from peerly.programs import views

app_name = "programs"

urlpatterns = [
    path("", views.directory, name="list"),
    path("new/", views.create, name="create"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/join/", views.join, name="join"),
    path("<slug:slug>/membership/<str:action>/", views.membership, name="membership"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/edit/questions/", views.question_add, name="question-add"),
    path(
        "<slug:slug>/edit/questions/<int:question_id>/delete/",
        views.question_delete,
        name="question-delete",
    ),
    path("<slug:slug>/manage/", views.manage, name="manage"),
    path("<slug:slug>/manage/approvals/", views.manage_approvals, name="manage-approvals"),
    path(
        "<slug:slug>/manage/approvals/<int:enrollment_id>/<str:action>/",
        views.decide,
        name="manage-decide",
    ),
    path("<slug:slug>/manage/invitations/", views.manage_invitations, name="manage-invitations"),
    path("<slug:slug>/manage/import/", views.manage_import, name="manage-import"),
    path("<slug:slug>/manage/export.csv", views.manage_export, name="manage-export"),
]
