import pytest

from encaisse.core.audit import audit_events_for
from encaisse.core.exceptions import DomainError
from encaisse.core.models import Company
from encaisse.customers.models import Customer
from encaisse.customers.services import contact_add, customer_create, customer_update

pytestmark = pytest.mark.django_db


def test_create_normalises_and_validates_identifiers(company: Company) -> None:
    customer = customer_create(
        company=company,
        actor=None,
        name="Dupont SA",
        siren="732 829 320",
        siret="73282932000074",
        vat_number="fr44 732829320",
    )
    assert (customer.reference, customer.siren, customer.vat_number) == (
        "C00001",
        "732829320",
        "FR44732829320",
    )


@pytest.mark.parametrize(
    ("_case", "fields", "field"),
    [
        ("bad SIREN key", {"siren": "732829321"}, "siren"),
        ("bad SIRET", {"siret": "73282932000075"}, "siret"),
        ("SIRET of another SIREN", {"siren": "732829320", "siret": "55208131766522"}, "siret"),
        ("bad VAT", {"vat_number": "FR00123456789"}, "vat_number"),
    ],
)
def test_invalid_identifiers_are_refused(
    company: Company, _case: str, fields: dict, field: str
) -> None:
    with pytest.raises(DomainError) as exc:
        customer_create(company=company, actor=None, name="X", **fields)
    assert field in exc.value.extra["errors"]
    assert not Customer.objects.exists()


def test_duplicate_reference_is_refused_in_the_same_company_only(
    company: Company, other_company: Company
) -> None:
    customer_create(company=company, actor=None, name="A", reference="REF1")
    customer_create(company=other_company, actor=None, name="B", reference="REF1")
    with pytest.raises(DomainError) as exc:
        customer_create(company=company, actor=None, name="C", reference="REF1")
    assert exc.value.code == "customer_duplicate_ref"


def test_update_records_before_and_after(company: Company) -> None:
    customer = customer_create(company=company, actor=None, name="Dupont", city="Lyon")
    customer_update(
        company=company, customer_id=customer.pk, actor=None, city="Paris", name="Dupont"
    )
    event = audit_events_for(company, customer).filter(kind="customer.updated").get()
    assert (event.before, event.after) == ({"city": "Lyon"}, {"city": "Paris"})


def test_contact_is_validated(company: Company) -> None:
    customer = customer_create(company=company, actor=None, name="Dupont")
    contact_add(
        company=company,
        customer=customer,
        actor=None,
        name="Mme Durand",
        email="compta@dupont.example",
        role="billing",
    )
    with pytest.raises(DomainError):
        contact_add(company=company, customer=customer, actor=None, name="X", email="not-an-email")
    assert customer.contacts.count() == 1
