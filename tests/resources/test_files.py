"""Uploaded files: size limit, extension AND content checked, nothing saved on a refusal;
downloads only through the login-checked view, as attachments."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from peerly.resources.models import Resource
from tests.resources.conftest import PDF
from tests.resources.conftest import PNG
from tests.resources.conftest import ooxml
from tests.resources.conftest import upload

pytestmark = pytest.mark.django_db


def odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def _post(client, name: str, data: bytes, **extra: str):  # type: ignore[no-untyped-def]
    body = {"title": "A file", "kind": "file", "audience": "everyone", "is_published": "on"}
    body.update(extra)
    return client.post(reverse("resources:new"), {**body, "file": upload(name, data)})


def _stored(media) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.name for p in media.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("notes.pdf", PDF),
        ("pic.png", PNG),
        ("pic.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20),
        ("plan.docx", ooxml("word/")),
        ("sheet.xlsx", ooxml("xl/")),
        ("deck.pptx", ooxml("ppt/")),
        ("text.odt", odt()),
        ("readme.md", b"# Hello\n"),
        ("list.csv", b"a,b\n1,2\n"),
        ("plain.txt", "caf\u00e9\n".encode()),
    ],
)
def test_allowed_files_are_stored(world, media, name: str, data: bytes) -> None:  # type: ignore[no-untyped-def]
    response = _post(world.client("organiser"), name, data)
    assert response.status_code == 302, response.content[:500]
    resource = Resource.objects.get(title="A file")
    assert resource.file_name == name
    assert resource.file_size == len(data)
    assert len(_stored(media)) == 1
    assert name not in _stored(media)  # stored under a random name


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("evil.pdf", b"<html><script>alert(1)</script></html>"),
        ("evil.png", PDF),
        ("evil.docx", PDF),
        ("evil.docx", ooxml("xl/")),
        ("evil.xlsx", b"PK\x03\x04not a zip"),
        ("evil.odt", ooxml("word/")),
        ("page.txt", b"<!DOCTYPE html><html></html>"),
        ("binary.txt", b"\x00\x01\x02"),
        ("page.html", b"<html></html>"),
        ("script.exe", b"MZ\x90\x00"),
        ("noextension", PDF),
        ("empty.pdf", b""),
    ],
)
def test_mismatched_or_unknown_files_are_refused(world, media, name: str, data: bytes) -> None:  # type: ignore[no-untyped-def]
    response = _post(world.client("organiser"), name, data)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Resource.objects.filter(title="A file").exists()
    assert _stored(media) == []


def test_a_file_over_the_limit_is_refused(world, media, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PEERLY_RESOURCE_MAX_BYTES = 1000
    response = _post(world.client("organiser"), "big.pdf", PDF + b"0" * 1000)
    assert response.status_code == 200
    assert "too large" in str(response.context["form"].errors["file"])
    assert not Resource.objects.filter(title="A file").exists()
    assert _stored(media) == []
    assert _post(world.client("organiser"), "small.pdf", PDF).status_code == 302


def test_download_is_an_attachment_for_those_who_may_see_it(world) -> None:  # type: ignore[no-untyped-def]
    _post(world.client("organiser"), "notes.pdf", PDF, program=str(world.program.pk))
    resource = Resource.objects.get(title="A file")
    url = reverse("resources:download", kwargs={"slug": resource.slug})
    response = world.client("member").get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="notes.pdf"' in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    assert world.client("outsider").get(url).status_code == 404
    assert world.client("other_organiser").get(url).status_code == 404
    assert world.client("anonymous").get(url).status_code == 302


def test_replacing_and_removing_a_file(world, media) -> None:  # type: ignore[no-untyped-def]
    client = world.client("organiser")
    _post(client, "notes.pdf", PDF, kind="guide")
    resource = Resource.objects.get(title="A file")
    edit = reverse("resources:edit", kwargs={"slug": resource.slug})
    body = {"title": "A file", "kind": "guide", "audience": "everyone", "is_published": "on"}
    assert client.post(edit, {**body, "file": upload("pic.png", PNG)}).status_code == 302
    assert Resource.objects.get(pk=resource.pk).file_name == "pic.png"
    assert len(_stored(media)) == 1  # the old file is gone
    refused = client.post(edit, {**body, "file": upload("evil.png", PDF)})
    assert refused.status_code == 200
    assert Resource.objects.get(pk=resource.pk).file_name == "pic.png"
    assert client.post(edit, {**body, "remove_file": "on"}).status_code == 302
    assert Resource.objects.get(pk=resource.pk).file_name == ""
    assert _stored(media) == []


def test_deleting_a_resource_deletes_its_file(
    world, media, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = world.client("organiser")
    _post(client, "notes.pdf", PDF)
    resource = Resource.objects.get(title="A file")
    assert len(_stored(media)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("resources:delete", kwargs={"slug": resource.slug}))
    assert response.status_code == 302
    assert not Resource.objects.filter(pk=resource.pk).exists()
    assert _stored(media) == []
