"""The member's own data over the API: `GET /api/v1/me/export` (same content as the ZIP)."""

from __future__ import annotations

from typing import Any

from ninja import Router

from peerly.accounts import ownership
from peerly.core.http import AuthedHttpRequest

router = Router(tags=["your data"])


@router.get("/me/export", response=dict[str, Any])
def export_me(request: AuthedHttpRequest) -> dict[str, Any]:
    """Everything Peerly holds about you and everything you wrote (never others' private notes).

    A GET without side effects: the ZIP download from the profile page is the audited path."""
    return ownership.export_user_data(user=request.user)
