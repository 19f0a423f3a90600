"""Each invoice flagged disputed becomes an open Dispute (reason "other", the old reason string
as its text), so that `Invoice.disputed` is from now on derived from open disputes."""

from django.db import migrations
from django.utils import timezone

BATCH = 1000


def forward(apps, schema_editor):
    Invoice = apps.get_model("invoicing", "Invoice")
    Dispute = apps.get_model("collection", "Dispute")
    disputes = []
    cleared = []
    for invoice in (
        Invoice.objects.filter(disputed=True)
        .only(
            "pk",
            "company_id",
            "total_amount",
            "paid_total",
            "credited_total",
            "dispute_reason",
            "updated_at",
        )
        .order_by("pk")
        .iterator(chunk_size=BATCH)
    ):
        left = invoice.total_amount - invoice.paid_total - invoice.credited_total
        # Settled while disputed: the dispute stays open on the whole total, as the flag did.
        amount = left if left > 0 else invoice.total_amount
        if amount <= 0:
            cleared.append(invoice.pk)
            continue
        disputes.append(
            Dispute(
                company_id=invoice.company_id,
                invoice_id=invoice.pk,
                amount=amount,
                reason="other",
                reason_text=invoice.dispute_reason,
                opened_on=timezone.localdate(invoice.updated_at),
                status="open",
            )
        )
        if len(disputes) >= BATCH:
            Dispute.objects.bulk_create(disputes)
            disputes = []
    Dispute.objects.bulk_create(disputes)
    for start in range(0, len(cleared), BATCH):  # nothing to dispute: the flag follows
        Invoice.objects.filter(pk__in=cleared[start : start + BATCH]).update(disputed=False)


def backward(apps, schema_editor):
    Invoice = apps.get_model("invoicing", "Invoice")
    Dispute = apps.get_model("collection", "Dispute")
    for invoice_id, text in (
        Dispute.objects.filter(status="open")
        .order_by("invoice_id", "-id")
        .values_list("invoice_id", "reason_text")
    ):
        Invoice.objects.filter(pk=invoice_id).update(dispute_reason=text[:500])
    Dispute.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("collection", "0002_dispute"),
        ("invoicing", "0006_invoice_open_index"),
    ]

    operations = [migrations.RunPython(forward, backward)]
