"""The site's URLs plus one view that fails, for the 500 page test."""

from django.http import HttpRequest
from django.http import HttpResponse
from django.urls import path

from peerly.urls import urlpatterns as site_urlpatterns


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), *site_urlpatterns]
