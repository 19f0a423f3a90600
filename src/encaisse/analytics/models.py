"""Figure snapshots: the dashboard and report figures kept with the ledger state they show."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from encaisse.core.models import CompanyScoped


class FigureSnapshot(CompanyScoped):
    """The last computation of a set of figures that scans the whole ledger.

    Stored in the database rather than a process cache so that web processes and Celery
    workers share it in every deployment; `stamp` is the ledger state it was computed on
    (`analytics.selectors.ledger_stamp`), `as_of` the day it describes.
    """

    name = models.CharField(max_length=40)
    as_of = models.DateField()
    stamp = models.CharField(max_length=60)
    computed_at = models.DateTimeField()
    seconds = models.FloatField(default=0)  # how long the computation took
    data = models.BinaryField()
    refresh_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["company", "name"], name="figure_snapshot_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.as_of} ({self.stamp})"
