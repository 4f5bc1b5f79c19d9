"""The journal's pages (included by growth/urls.py)."""

from django.urls import path

from peerly.growth import views_journal as v
from peerly.programs.routes import under

journal_patterns = [
    path("journal/", v.entry_list, name="journal"),
    path("journal/new/", v.entry_create, name="journal-create"),
    path("journal/shared/<int:entry_id>/", v.shared_entry, name="journal-shared"),
    *under(
        "journal/<int:entry_id>/",
        [
            path("", v.entry_detail, name="journal-detail"),
            path("edit/", v.entry_edit, name="journal-edit"),
            path("delete/", v.entry_delete, name="journal-delete"),
            path("share/", v.entry_share, name="journal-share"),
            path(
                "shares/<int:share_id>/withdraw/",
                v.entry_share_withdraw,
                name="journal-share-withdraw",
            ),
        ],
    ),
]
