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


def import_key_field() -> models.CharField:
    """The key of the imported row a record came from: importing that row again changes the record in place
    instead of adding a second one. Empty for a record entered by hand."""
    return models.CharField(max_length=40, unique=True, null=True, blank=True, editable=False)
