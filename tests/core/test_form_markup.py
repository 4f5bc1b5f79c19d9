"""The shared form partial (templates/_form.html) gives assistive technology what it needs:
every aria-describedby points at an element on the page, radio groups are a fieldset with a
legend (no `<label for="">`), errors are a list that keeps its list semantics, and help text
that is itself a list (the password rules) is not put inside a `<span>`."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.template import loader
from django.test import Client

from tests.factories import UserFactory


class _Form(forms.Form):
    name = forms.CharField(help_text="As others will see it.")
    frequency = forms.ChoiceField(
        choices=[("weekly", "Weekly"), ("monthly", "Monthly")],
        widget=forms.RadioSelect,
        help_text="How often you want to meet.",
    )
    agree = forms.BooleanField()

    def clean(self):  # type: ignore[no-untyped-def]
        raise forms.ValidationError("Something about the whole form.")


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def _described_by(html: str) -> set[str]:
    return {i for value in re.findall(r'aria-describedby="([^"]*)"', html) for i in value.split()}


def _check(html: str) -> None:
    missing = _described_by(html) - _ids(html)
    assert missing == set(), f"aria-describedby points at ids not on the page: {missing}"
    assert 'for=""' not in html
    assert not re.search(r"<(ul|ol)[^>]*\srole=", html), "a role on a list drops its semantics"
    assert not re.search(r"<span[^>]*>(?:(?!</span>).)*<ul", html, re.S), "a <ul> in a <span>"


def test_form_with_errors_radio_group_and_help_text() -> None:
    form = _Form(data={"name": "", "frequency": "yearly"})
    html = loader.get_template("_form.html").render({"form": form})
    _check(html)
    assert _described_by(html) >= {"id_name_helptext", "id_name_error", "id_frequency_error"}
    assert "<legend><strong>Frequency</strong>" in html  # the radio group's name
    assert 'role="alert"><ul class="errorlist nonfield">' in html


@pytest.mark.django_db
def test_signup_form_shown_again_with_errors() -> None:
    response = Client().post("/accounts/signup/", {"email": "not-an-email"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    _check(html)


@pytest.mark.django_db
def test_profile_form_shown_again_with_errors() -> None:
    client = Client()
    client.force_login(UserFactory())
    response = client.post("/accounts/profile/edit/", {"timezone": "Nowhere/Else"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    _check(html)
