from django.utils import translation
from django.utils.translation import gettext

from encaisse.invoicing.models import Invoice


def test_french_is_the_default_and_english_available() -> None:
    with translation.override("fr"):
        assert gettext("Only a draft can be issued.") == "Seul un brouillon peut être émis."
        assert str(Invoice.Kind.CREDIT_NOTE.label) == "Avoir"
        assert str(Invoice._meta.verbose_name) == "facture"
    with translation.override("en"):
        assert gettext("Only a draft can be issued.") == "Only a draft can be issued."
        assert str(Invoice._meta.verbose_name) == "invoice"
