from django.urls import path

from peerly.programs.routes import under
from peerly.recognition import views

app_name = "recognition"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("kudos/<int:kudos_id>/public/", views.kudos_public, name="kudos-public"),
    path("kudos/<int:kudos_id>/testimonial/", views.kudos_testimonial, name="kudos-testimonial"),
    path(
        "testimonials/<int:testimonial_id>/withdraw/",
        views.testimonial_withdraw,
        name="testimonial-withdraw",
    ),
    path("badges/visibility/", views.badges_visibility, name="badges-visibility"),
    path("badges/<int:award_id>/visibility/", views.badge_visibility, name="badge-visibility"),
    path("certificates/<int:certificate_id>/", views.certificate, name="certificate"),
    path(
        "certificates/<int:certificate_id>/pdf/",
        views.certificate_download,
        name="certificate-pdf",
    ),
    path("certificates/<int:certificate_id>/revoke/", views.revoke, name="certificate-revoke"),
    path("verify/<str:code>/", views.verify, name="verify"),
    *under(
        "programs/<slug:slug>/",
        [
            path("", views.wall, name="wall"),
            path("kudos/", views.kudos_new, name="kudos-new"),
            path("testimonial/", views.testimonial_new, name="testimonial-new"),
            path("award/", views.award, name="award"),
            path("manage/", views.manage, name="manage"),
            path("manage/issue/", views.issue, name="issue"),
            path("manage/celebration/", views.celebration, name="celebration"),
            path(
                "manage/nominations/<int:recognition_id>/award/",
                views.award_nomination,
                name="award-nomination",
            ),
        ],
    ),
]
