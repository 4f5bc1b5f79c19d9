"""Admin index names read right (issue 20: "Mentorship settingss")."""

from __future__ import annotations

from django.contrib import admin


def test_no_model_is_pluralised_by_a_blind_s():
    wrong = [
        m._meta.label
        for m in admin.site._registry
        if str(m._meta.verbose_name_plural).endswith(("ss", "settingss", "datas"))
    ]
    assert wrong == []
