"""Figure snapshots: computed once per ledger state and day, recomputed in-process without a
broker, served stale while one refresh goes through a real Redis broker otherwise, and never
shown to another company."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from encaisse.analytics import snapshots, tasks
from encaisse.analytics.dashboard import HomeFigures
from encaisse.analytics.models import FigureSnapshot
from encaisse.core.dates import today
from encaisse.core.models import Company, Membership
from encaisse.core.tests.factories import CustomerFactory, make_invoice, make_payment
from encaisse.core.tests.needs import service_missing
from encaisse.core.tests.worker import QUEUE, redis_up, tasks_sent_to

pytestmark = pytest.mark.django_db

BROKER = "redis://127.0.0.1:6379/14"


def ledger(company: Company, name: str = "Boulangerie Martin") -> None:
    """One invoice of 1 200.00 TTC issued 100 days ago, 30 days net: 70 days past due."""
    customer = CustomerFactory.create(company=company, name=name)
    issued_on = today() - timedelta(days=100)
    make_invoice(company=company, customer=customer, amount="1000.00", issued_on=issued_on)


def home(company: Company) -> snapshots.Snapshot[HomeFigures]:
    return snapshots.figures(company, "home", on=today())


@pytest.fixture
def with_broker(settings) -> Iterator[object]:
    """The configuration of a deployment with a broker: tasks are sent to Redis, not run."""
    if not redis_up():
        service_missing("no Redis on 127.0.0.1:6379")
    with tasks_sent_to(BROKER, settings) as queue:
        yield queue


def test_figures_are_computed_once_then_read_back(
    company: Company, django_assert_max_num_queries
) -> None:
    ledger(company)

    first = home(company)
    assert first.fresh
    assert first.value.aging.buckets["61-90"] == Decimal("1200.00")

    with django_assert_max_num_queries(2):  # the ledger stamp and the stored row
        again = home(company)
    assert again.fresh
    assert again.computed_at == first.computed_at
    assert again.value.aging == first.value.aging
    assert FigureSnapshot.objects.filter(company=company, name="home").count() == 1


def test_without_a_broker_a_change_is_recomputed_in_the_request(company: Company) -> None:
    ledger(company)
    before = home(company)
    customer = company.customer_set.get()

    make_payment(company=company, customer=customer, amount="200.00", received_on=today())

    after = home(company)
    assert after.fresh
    assert after.computed_at > before.computed_at
    assert after.value.aging.buckets["61-90"] == Decimal("1000.00")


def test_a_new_day_makes_the_figures_stale(company: Company) -> None:
    ledger(company)
    snapshots.refresh(company, "home", on=today() - timedelta(days=1))

    current = home(company)  # no broker: recomputed for today at once

    assert current.fresh
    assert current.as_of == today()
    assert FigureSnapshot.objects.get(company=company, name="home").as_of == today()


def test_with_a_broker_stale_figures_are_served_while_one_refresh_is_queued(
    company: Company, with_broker, django_capture_on_commit_callbacks
) -> None:
    # given figures computed before a payment
    ledger(company)
    first = snapshots.refresh(company, "home", on=today())
    customer = company.customer_set.get()
    make_payment(company=company, customer=customer, amount="200.00", received_on=today())

    # when the page is read three times before a worker has run
    with django_capture_on_commit_callbacks(execute=True):
        views = [home(company) for _ in range(3)]

    # then each read gets the previous figures, marked stale, and one task reached Redis
    assert [v.fresh for v in views] == [False, False, False]
    assert {v.computed_at for v in views} == {first.computed_at}
    assert views[0].value.aging.buckets["61-90"] == Decimal("1200.00")
    assert with_broker.llen(QUEUE) == 1
    row = FigureSnapshot.objects.get(company=company, name="home")
    assert row.refresh_requested_at is not None

    # when the worker runs the task, the next read is fresh and shows the payment
    assert tasks.refresh_figures(company.pk, "home", today().isoformat()) >= 0
    fresh = home(company)
    assert fresh.fresh
    assert fresh.value.aging.buckets["61-90"] == Decimal("1000.00")
    assert FigureSnapshot.objects.get(pk=row.pk).refresh_requested_at is None


def test_a_refresh_claimed_too_long_ago_is_queued_again(
    company: Company, with_broker, django_capture_on_commit_callbacks
) -> None:
    ledger(company)
    snapshots.refresh(company, "home", on=today())
    customer = company.customer_set.get()
    make_payment(company=company, customer=customer, amount="1.00", received_on=today())
    lost = timezone.now() - snapshots.CLAIM_TIMEOUT - timedelta(minutes=1)
    FigureSnapshot.objects.filter(company=company).update(refresh_requested_at=lost)

    with django_capture_on_commit_callbacks(execute=True):
        assert not home(company).fresh

    assert with_broker.llen(QUEUE) == 1
    claimed = FigureSnapshot.objects.get(company=company).refresh_requested_at
    assert claimed is not None
    assert claimed > lost


def test_with_a_broker_the_first_computation_is_queued_too(
    company: Company, with_broker, django_capture_on_commit_callbacks
) -> None:
    ledger(company)

    # when the figures are asked twice before any were computed
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            with pytest.raises(snapshots.FiguresPendingError):
                home(company)

    # then one task reached Redis, claimed on a row that holds no figures yet
    assert with_broker.llen(QUEUE) == 1
    row = FigureSnapshot.objects.get(company=company, name="home")
    assert row.refresh_requested_at is not None
    assert snapshots.figures_status(company, "home", on=today()).computing

    # when the worker has run, the figures are there
    tasks.refresh_figures(company.pk, "home", today().isoformat())
    status = snapshots.figures_status(company, "home", on=today())
    assert status.fresh
    assert not status.computing
    assert home(company).value.aging.total == Decimal("1200.00")


def test_with_a_broker_a_snapshot_that_no_longer_loads_is_queued(
    company: Company, with_broker, django_capture_on_commit_callbacks
) -> None:
    ledger(company)
    snapshots.refresh(company, "home", on=today())
    FigureSnapshot.objects.filter(company=company).update(data=b"not a pickle")

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(snapshots.FiguresPendingError),
    ):
        home(company)

    assert with_broker.llen(QUEUE) == 1


def test_a_snapshot_that_no_longer_loads_is_recomputed(company: Company) -> None:
    ledger(company)
    home(company)
    FigureSnapshot.objects.filter(company=company).update(data=b"not a pickle")

    current = home(company)

    assert current.fresh
    assert current.value.aging.total == Decimal("1200.00")


def test_each_company_reads_its_own_snapshot(company: Company, other_company: Company) -> None:
    ledger(company)
    ledger(other_company, "SECRET CUSTOMER")
    make_invoice(
        company=other_company,
        customer=other_company.customer_set.get(),
        amount="5000.00",
        issued_on=today(),
    )

    assert home(company).value.aging.total == Decimal("1200.00")
    assert home(other_company).value.aging.total == Decimal("7200.00")
    assert home(company).value.aging.total == Decimal("1200.00")


def test_the_nightly_task_computes_every_figure_of_every_company(
    company: Company, other_company: Company
) -> None:
    ledger(company)

    done = tasks.refresh_all_figures(today().isoformat())

    assert done == {company.slug: ["home", "reports"], other_company.slug: ["home", "reports"]}
    assert FigureSnapshot.objects.filter(as_of=today()).count() == 4


# ---- pages ----------------------------------------------------------------------------------


@pytest.fixture
def web(owner: Membership) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(owner.user)
    return client


def test_dashboard_says_when_its_figures_were_computed(web: Client, company: Company) -> None:
    ledger(company)

    body = web.get(reverse("web:home")).content.decode()

    assert "Computed on" in body
    assert "hx-trigger" not in body.split('id="figures-status"')[1].split(">")[0]


def test_stale_dashboard_polls_until_fresh_figures_are_ready(
    web: Client, company: Company, with_broker, django_capture_on_commit_callbacks
) -> None:
    ledger(company)
    snapshots.refresh(company, "home", on=today())
    customer = company.customer_set.get()
    make_payment(company=company, customer=customer, amount="200.00", received_on=today())
    status_url = reverse("web:figures_status", args=["home"])

    with django_capture_on_commit_callbacks(execute=True):
        body = web.get(reverse("web:home")).content.decode()
    assert "being updated after the latest changes" in body
    assert f'hx-get="{status_url}"' in body
    assert "being updated" in web.get(status_url).content.decode()

    tasks.refresh_figures(company.pk, "home", today().isoformat())

    ready = web.get(status_url).content.decode()
    assert "Figures updated." in ready
    assert "hx-get" not in ready
    assert web.get(reverse("web:home")).context["figures"].aging.total == Decimal("1000.00")


@pytest.mark.parametrize(("page", "name"), [("web:home", "home"), ("analytics:reports", "reports")])
def test_a_page_before_its_first_figures_reloads_when_the_worker_has_them(
    web: Client,
    company: Company,
    with_broker,
    django_capture_on_commit_callbacks,
    page: str,
    name: str,
) -> None:
    ledger(company)
    status_url = reverse("web:figures_status", args=[name])

    # when the page is opened before any figures exist: it waits, polling its status
    with django_capture_on_commit_callbacks(execute=True):
        opened = web.get(reverse(page))
    assert opened.status_code == 200
    body = opened.content.decode()
    assert 'id="figures-pending"' in body
    assert f'hx-get="{status_url}?pending=1"' in body
    polled = web.get(status_url, {"pending": "1"})
    assert "HX-Refresh" not in polled.headers
    assert 'hx-trigger="every 3s"' in polled.content.decode()

    # when the worker has stored them: the poll reloads the page, which shows them
    tasks.refresh_figures(company.pk, name, today().isoformat())
    assert web.get(status_url, {"pending": "1"}).headers["HX-Refresh"] == "true"
    shown = web.get(reverse(page))
    assert shown.context["snapshot"].fresh
    assert 'id="figures-pending"' not in shown.content.decode()


def test_figures_status_of_an_unknown_page_is_404(web: Client) -> None:
    assert web.get(reverse("web:figures_status", args=["payroll"])).status_code == 404


def test_reports_page_opens_on_its_snapshot_and_computes_a_chosen_period(
    web: Client, company: Company
) -> None:
    ledger(company)

    opened = web.get(reverse("analytics:reports"))
    assert opened.context["snapshot"].fresh
    assert opened.context["aging"].total == Decimal("1200.00")
    assert FigureSnapshot.objects.filter(company=company, name="reports").exists()

    before_any_invoice = (today() - timedelta(days=200)).isoformat()
    chosen = web.get(reverse("analytics:reports"), {"date": before_any_invoice})
    assert chosen.context["snapshot"] is None
    assert chosen.context["aging"].total == Decimal("0.00")
