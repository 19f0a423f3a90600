"""Default reminder wording in French and English, escalating in tone from step to step.

A company may override any (template, language) pair with a ReminderTemplate row. Templates are
Django template text rendered without HTML escaping (the body is plain text; letters put it in
a PDF). Variables: customer, contact, company, invoice_table (the list of invoices and the total,
statement style), invoice_details (the formal notice's list), invoices (rows for a loop of
your own: number, issue_date, due_date, total, open, days_late, penalty), total_due,
penalties, indemnity, claim_total, iban, bic, portal_link, deadline, today.
"""

from __future__ import annotations

TEMPLATE_KEYS = ("courtesy", "reminder_1", "reminder_2", "reminder_3", "formal_notice", "call")

_TABLE_FR = "{{ invoice_table }}"
_TABLE_EN = "{{ invoice_table }}"

_PAY_FR = (
    "Règlement par virement : IBAN {{ iban }}{% if bic %} – BIC {{ bic }}{% endif %}, "
    "en rappelant les numéros de facture.\nConsulter votre relevé : {{ portal_link }}"
)

_PAY_EN = (
    "Payment by bank transfer: IBAN {{ iban }}{% if bic %} – BIC {{ bic }}{% endif %}, "
    "quoting the invoice numbers.\nYour statement: {{ portal_link }}"
)

_PENALTIES_FR = (
    "{% if penalties or indemnity %}\nConformément à l'article L441-10 du Code de commerce, "
    "des pénalités de retard de {{ penalties }} et une indemnité forfaitaire pour frais de "
    "recouvrement de {{ indemnity }} sont dues en sus.{% endif %}"
)

_PENALTIES_EN = (
    "{% if penalties or indemnity %}\nUnder article L441-10 of the French Commercial Code, "
    "late-payment penalties of {{ penalties }} and a fixed recovery indemnity of "
    "{{ indemnity }} are also due.{% endif %}"
)

DEFAULT_TEMPLATES: dict[tuple[str, str], tuple[str, str]] = {
    ("courtesy", "fr"): (
        "Échéance prochaine – {{ company }}",
        "Bonjour {{ contact }},\n\nPour faciliter votre organisation, nous vous rappelons "
        "l'échéance prochaine des factures suivantes :\n\n"
        + _TABLE_FR
        + "\n\n"
        + _PAY_FR
        + "\n\nSi le règlement est déjà parti, merci de ne pas tenir compte de ce message."
        "\n\nCordialement,\n{{ company }}",
    ),
    ("courtesy", "en"): (
        "Upcoming due date – {{ company }}",
        "Hello {{ contact }},\n\nAs a courtesy, the following invoices fall due shortly:\n\n"
        + _TABLE_EN
        + "\n\n"
        + _PAY_EN
        + "\n\nIf payment is already on its way, please disregard this message."
        "\n\nKind regards,\n{{ company }}",
    ),
    ("reminder_1", "fr"): (
        "Relance : facture(s) échue(s) – {{ company }}",
        "Bonjour {{ contact }},\n\nSauf erreur de notre part, les factures suivantes restent "
        "impayées à ce jour :\n\n"
        + _TABLE_FR
        + "\n\n"
        + _PAY_FR
        + "\n\nMerci de procéder au règlement ou de nous signaler toute difficulté."
        "\n\nCordialement,\n{{ company }}",
    ),
    ("reminder_1", "en"): (
        "Reminder: overdue invoice(s) – {{ company }}",
        "Hello {{ contact }},\n\nUnless we are mistaken, the following invoices are still "
        "unpaid:\n\n"
        + _TABLE_EN
        + "\n\n"
        + _PAY_EN
        + "\n\nPlease arrange payment or let us know of any issue.\n\nKind regards,\n{{ company }}",
    ),
    ("reminder_2", "fr"): (
        "Deuxième relance – {{ company }}",
        "Bonjour {{ contact }},\n\nMalgré notre précédent rappel, les factures suivantes "
        "demeurent impayées :\n\n"
        + _TABLE_FR
        + "\n"
        + _PENALTIES_FR
        + "\n\n"
        + _PAY_FR
        + "\n\nNous vous remercions de régulariser la situation sous huit jours."
        "\n\nCordialement,\n{{ company }}",
    ),
    ("reminder_2", "en"): (
        "Second reminder – {{ company }}",
        "Hello {{ contact }},\n\nDespite our previous reminder, the following invoices remain "
        "unpaid:\n\n"
        + _TABLE_EN
        + "\n"
        + _PENALTIES_EN
        + "\n\n"
        + _PAY_EN
        + "\n\nPlease settle within eight days.\n\nKind regards,\n{{ company }}",
    ),
    ("reminder_3", "fr"): (
        "Dernière relance avant mise en demeure – {{ company }}",
        "{{ contact }},\n\nNos relances sont restées sans effet. Les sommes suivantes sont "
        "exigibles :\n\n"
        + _TABLE_FR
        + "\n"
        + _PENALTIES_FR
        + "\n\n"
        + _PAY_FR
        + "\n\nSans règlement de votre part avant le {{ deadline }}, nous vous adresserons une "
        "mise en demeure.\n\n{{ company }}",
    ),
    ("reminder_3", "en"): (
        "Final reminder before formal notice – {{ company }}",
        "{{ contact }},\n\nOur reminders have gone unanswered. The following sums are due:\n\n"
        + _TABLE_EN
        + "\n"
        + _PENALTIES_EN
        + "\n\n"
        + _PAY_EN
        + "\n\nWithout payment by {{ deadline }}, we will send you a formal notice."
        "\n\n{{ company }}",
    ),
    ("formal_notice", "fr"): (
        "MISE EN DEMEURE – {{ company }}",
        "MISE EN DEMEURE DE PAYER\n\nCréancier : {{ company }}, SIREN {{ company_siren }}, "
        "{{ company_address }}\nDébiteur : {{ customer }}{% if customer_siren %}, SIREN "
        "{{ customer_siren }}{% endif %}, {{ customer_address }}\n\n{{ contact }},\n\n"
        "Malgré nos relances, vous restez redevable des factures suivantes :\n\n"
        "{{ invoice_details }}\n\n"
        "Somme réclamée :\n- principal : {{ total_due }}\n- pénalités de retard (art. L441-10 "
        "C. com.) arrêtées au {{ today }} : {{ penalties }}\n- indemnité forfaitaire pour frais "
        "de recouvrement (art. D441-5 C. com.) : {{ indemnity }}\n- total : {{ claim_total }}\n\n"
        "Par la présente, nous vous mettons en demeure de régler cette somme au plus tard le "
        "{{ deadline }}.\n\n" + _PAY_FR + "\n\nÀ défaut de paiement dans ce délai, nous saisirons "
        "la juridiction compétente (requête en injonction de payer) sans autre avis, les frais "
        "restant à votre charge.\n\n{{ company }}",
    ),
    ("formal_notice", "en"): (
        "FORMAL NOTICE – {{ company }}",
        "FORMAL NOTICE TO PAY (mise en demeure)\n\nCreditor: {{ company }}, SIREN "
        "{{ company_siren }}, {{ company_address }}\nDebtor: {{ customer }}{% if customer_siren %}"
        ", SIREN {{ customer_siren }}{% endif %}, {{ customer_address }}\n\n{{ contact }},\n\n"
        "Despite our reminders, the following invoices remain unpaid:\n\n"
        "{{ invoice_details }}\n\n"
        "Amount claimed:\n- principal: {{ total_due }}\n- late-payment penalties (art. L441-10 "
        "French Commercial Code) as of {{ today }}: {{ penalties }}\n- fixed recovery indemnity "
        "(art. D441-5): {{ indemnity }}\n- total: {{ claim_total }}\n\n"
        "We hereby give you formal notice to pay this amount by {{ deadline }} at the latest."
        "\n\n" + _PAY_EN + "\n\nFailing payment by then, we will apply to the competent court "
        "(injonction de payer) without further notice, at your expense.\n\n{{ company }}",
    ),
    ("call", "fr"): (
        "Appel de relance – {{ customer }}",
        "Appeler {{ contact }} ({{ phone }}) au sujet de :\n\n"
        + _TABLE_FR
        + "\n\nObtenir une date de paiement ferme ou le motif du retard.",
    ),
    ("call", "en"): (
        "Reminder call – {{ customer }}",
        "Call {{ contact }} ({{ phone }}) about:\n\n"
        + _TABLE_EN
        + "\n\nGet a firm payment date or the reason for the delay.",
    ),
}
