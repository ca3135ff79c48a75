"""Model field declarations several apps share."""

from django.db import models


def optional_link(to, verbose_name, related_name: str = "+", **options) -> models.ForeignKey:
    """An optional link to another row, emptied (never cascaded) when that row is deleted."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name=related_name,
        **options,
    )
