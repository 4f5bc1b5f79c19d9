"""More than one language (issue 20): the Spanish catalogue is complete and compiled, members
choose their language, pages and emails follow it, the API stays English."""

from __future__ import annotations

import gettext
import json
import re
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

import peerly
from peerly.accounts import services as account_services
from peerly.accounts.models import User
from peerly.notifications.services import queue_email
from tests.factories import PASSWORD
from tests.factories import UserFactory

LOCALE = Path(peerly.__file__).resolve().parent / "locale"
SPANISH_PO = LOCALE / "es" / "LC_MESSAGES" / "django.po"


def read_po(path: Path) -> list[dict[str, object]]:
    """The entries of a .po file: msgid, msgid_plural, msgstr (by index) and flags."""
    entries: list[dict[str, object]] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry: dict[str, object] = {"flags": set(), "msgstr": {}}
        key: tuple[str, int] | None = None
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                entry["flags"] = {f.strip() for f in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif m := re.match(r'^(msgid|msgid_plural|msgctxt|msgstr)(?:\[(\d)\])? (".*")$', line):
                key = (m.group(1), int(m.group(2) or 0))
                text = json.loads(m.group(3))
                if key[0] == "msgstr":
                    entry["msgstr"][key[1]] = text  # type: ignore[index]
                else:
                    entry[key[0]] = text
            elif line.startswith('"') and key is not None:
                text = json.loads(line)
                if key[0] == "msgstr":
                    entry["msgstr"][key[1]] += text  # type: ignore[index]
                else:
                    entry[key[0]] = str(entry[key[0]]) + text
        if "msgid" in entry:
            entries.append(entry)
    return entries


CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))


def test_spanish_is_shipped() -> None:
    assert SPANISH_PO in CATALOGUES


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_every_message_is_translated_and_none_is_fuzzy(po: Path) -> None:
    entries = [e for e in read_po(po) if e["msgid"]]  # the header has an empty msgid
    assert len(entries) > 1000
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]  # type: ignore[operator]
    empty = [e["msgid"] for e in entries if not all(e["msgstr"].values()) or not e["msgstr"]]  # type: ignore[attr-defined]
    assert not fuzzy, f"fuzzy translations: {fuzzy[:10]}"
    assert not empty, f"untranslated: {empty[:10]}"
    plural = [e for e in entries if "msgid_plural" in e]
    assert plural and all(len(e["msgstr"]) == 3 for e in plural)  # type: ignore[arg-type]


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_the_compiled_catalogue_matches_the_po_file(po: Path) -> None:
    """`make install` compiles django.mo; this fails when django.po changed after that."""
    mo = po.with_suffix(".mo")
    assert mo.is_file(), "run `make install` (or `make messages`) to compile django.mo"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in read_po(po):
        msgid = str(entry["msgid"])
        if not msgid:
            continue
        strs: dict[int, str] = entry["msgstr"]  # type: ignore[assignment]
        if "msgid_plural" in entry:
            assert compiled.ngettext(msgid, str(entry["msgid_plural"]), 1) == strs[0]
        else:
            assert compiled.gettext(msgid) == strs[0], f"django.mo is out of date: {msgid!r}"


@pytest.fixture
def spanish_member(db) -> User:  # type: ignore[no-untyped-def]
    return UserFactory(language="es", display_name="Lucía")


def test_a_new_account_speaks_the_site_language(db) -> None:  # type: ignore[no-untyped-def]
    assert UserFactory().language == "en"


def test_a_spanish_member_gets_spanish_pages(client, spanish_member) -> None:  # type: ignore[no-untyped-def]
    client.force_login(spanish_member)
    response = client.get(reverse("core:home"))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="es">' in page
    assert "Mis programas" in page and "Cerrar sesión" in page
    assert "My programmes" not in page


def test_an_english_member_gets_english_pages(client, db) -> None:  # type: ignore[no-untyped-def]
    client.force_login(UserFactory())
    page = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="en">' in page and "My programmes" in page  # the saved choice wins


def test_an_anonymous_visitor_switches_language_with_a_plain_form(client, db) -> None:  # type: ignore[no-untyped-def]
    landing = client.get(reverse("core:index")).content.decode()
    assert 'action="/i18n/setlang/"' in landing and 'name="language" value="es"' in landing
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    page = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="es">' in page and "Iniciar sesión" in page


def test_the_browser_language_is_used_for_visitors(client, db) -> None:  # type: ignore[no-untyped-def]
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9")
    assert "Iniciar sesión" in page.content.decode()


def test_the_switch_saves_a_members_choice(client, db) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory()
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "es", "next": "/home/"})
    user.refresh_from_db()
    assert user.language == "es"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/home/"})  # unknown: ignored
    user.refresh_from_db()
    assert user.language == "es"


def test_the_profile_form_saves_the_language(client, db) -> None:  # type: ignore[no-untyped-def]
    from peerly.accounts.models import VISIBLE_FIELDS

    user = UserFactory()
    client.force_login(user)
    data = {"display_name": "Ana", "timezone": "Europe/Madrid", "frequency": "monthly"}
    data.update({f"visibility_{n}": "programmes" for n in VISIBLE_FIELDS})
    response = client.post(reverse("accounts:profile-edit"), {**data, "language": "es"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "es"
    page = client.get(response["Location"]).content.decode()
    assert "Perfil guardado." in page  # the confirmation already in the new language
    bad = client.post(reverse("accounts:profile-edit"), {**data, "language": "xx"})
    assert bad.status_code == 200
    user.refresh_from_db()
    assert user.language == "es"


def test_emails_are_in_the_recipients_language(
    spanish_member, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    english = UserFactory(display_name="Emma")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        for user in (spanish_member, english):
            queue_email(
                key=f"test:{user.pk}",
                to=user,
                template="confirm_email",
                context={"confirm_url": "https://peerly.test/c/", "days": 3},
            )
    by_address = {m.to[0]: m for m in mail.outbox}
    spanish = by_address[spanish_member.email]
    assert spanish.subject == "Confirma tu cuenta de Peerly"
    assert "Hola, Lucía:" in spanish.body and "Por qué recibes esto" in spanish.body
    html = spanish.alternatives[0][0]
    assert '<html lang="es">' in html and "Confirmar mi correo" in html
    assert by_address[english.email].subject == "Confirm your Peerly account"
    assert translation.get_language() == "en"  # the override did not leak


def test_a_background_email_ignores_the_language_of_whoever_triggered_it(spanish_member) -> None:  # type: ignore[no-untyped-def]
    english = UserFactory()
    with translation.override("es"):
        email = queue_email(
            key="test:bg",
            to=english,
            template="confirm_email",
            context={"confirm_url": "https://peerly.test/c/", "days": 3},
        )
    assert email is not None and email.subject == "Confirm your Peerly account"


def test_signing_up_in_spanish_keeps_spanish(db, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with translation.override("es"), django_capture_on_commit_callbacks(execute=True):
        user = account_services.sign_up(email="nuevo@example.org", password=PASSWORD)
    assert user is not None and user.language == "es"
    assert mail.outbox[-1].subject == "Confirma tu cuenta de Peerly"


def test_the_api_stays_english_for_a_spanish_member(client, spanish_member) -> None:  # type: ignore[no-untyped-def]
    client.force_login(spanish_member)
    response = client.get("/api/v1/programs/no-such-programme", HTTP_ACCEPT_LANGUAGE="es")
    assert response["Content-Language"] == "en"
    assert response.status_code == 404


def test_an_email_to_a_bare_address_is_in_the_senders_language(db) -> None:  # type: ignore[no-untyped-def]
    with translation.override("es"):
        email = queue_email(
            key="test:bare",
            to="someone@example.org",
            template="confirm_email",
            context={"confirm_url": "https://peerly.test/c/", "days": 3},
        )
    assert email is not None and email.subject == "Confirma tu cuenta de Peerly"
