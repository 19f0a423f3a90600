"""What the demo company sells and where its customers are: the plan's fixed vocabulary."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Relative invoicing activity per month (January first): spring and autumn busy, August and
# December quiet.
MONTH_ACTIVITY = (90, 100, 115, 115, 105, 110, 90, 45, 110, 120, 115, 80)


@dataclass(frozen=True, slots=True)
class Item:
    fr: str
    en: str
    nature: str  # Invoice.Nature value
    unit: str  # "u" per unit, "h" hourly, "d" daily, "lump" lump sum
    low: int  # unit price range in euros
    high: int
    vat_rate: Decimal


def _items(rate: str, table: str) -> tuple[Item, ...]:
    """One item per line: nature | unit | low | high | French | English."""
    items = []
    for row in table.strip().splitlines():
        nature, unit, low, high, fr, en = (cell.strip() for cell in row.split("|"))
        items.append(Item(fr, en, nature, unit, int(low), int(high), Decimal(rate)))
    return tuple(items)


ITEMS_STANDARD = _items(
    "0.2000",
    """
goods|u|8|120|Pièces usinées acier sur plan|Machined steel parts to drawing
goods|u|4|15|Roulements à billes 6205-2RS|Ball bearings 6205-2RS
goods|u|350|700|Moteur asynchrone 4 kW|4 kW induction motor
goods|u|600|1400|Variateur de fréquence 7,5 kW|7.5 kW frequency inverter
goods|u|25|60|Capteurs inductifs M12|M12 inductive sensors
goods|u|40|400|Tôlerie inox sur mesure|Custom stainless sheet metal work
goods|u|2000|9000|Armoire électrique câblée|Wired electrical cabinet
services|h|55|85|Maintenance préventive|Preventive maintenance
services|h|70|110|Intervention de dépannage sur site|On-site breakdown repair
services|lump|60|250|Déplacement technicien|Technician travel
services|lump|900|6000|Contrat de maintenance trimestriel|Quarterly maintenance contract
services|d|550|900|Étude et plans techniques|Engineering study and drawings
services|d|900|1500|Formation des opérateurs|Operator training
services|d|600|1100|Mise en service et réglages|Commissioning and settings
""",
)
# Intermediate rate: work in dwellings over two years old (CGI art. 279-0 bis).
ITEMS_INTERMEDIATE = _items(
    "0.1000",
    """
services|d|400|800|Travaux d'entretien en logement collectif|Maintenance work in housing
services|lump|1500|20000|Rénovation de chaufferie en logement ancien|Boiler room renovation
""",
)
# Reduced rate: energy-efficiency renovation (CGI art. 278-0 bis A).
ITEMS_REDUCED = _items(
    "0.0550",
    """
services|lump|1000|15000|Isolation thermique (rénovation énergétique)|Thermal insulation work
services|lump|3000|18000|Pose de pompe à chaleur (rénovation énergétique)|Heat pump installation
""",
)

DISCOUNTS = (Decimal("0.05"), Decimal("0.10"), Decimal("0.15"))

# Real postal codes with their cities.
CITIES = tuple(
    tuple(pair.split(" ", 1))
    for pair in """
75002 Paris|75008 Paris|75011 Paris|75015 Paris|69002 Lyon|69007 Lyon|13002 Marseille
31000 Toulouse|06000 Nice|44000 Nantes|67000 Strasbourg|34000 Montpellier|33000 Bordeaux
59000 Lille|35000 Rennes|51100 Reims|42000 Saint-Étienne|83000 Toulon|76600 Le Havre
38000 Grenoble|21000 Dijon|49000 Angers|30000 Nîmes|63000 Clermont-Ferrand|72000 Le Mans
29200 Brest|37000 Tours|80000 Amiens|87000 Limoges|74000 Annecy|66000 Perpignan|57000 Metz
25000 Besançon|45000 Orléans|68100 Mulhouse|76000 Rouen|14000 Caen|54000 Nancy
92100 Boulogne-Billancourt|93200 Saint-Denis|95000 Cergy|69100 Villeurbanne|38200 Vienne
01000 Bourg-en-Bresse|26000 Valence|73000 Chambéry|42300 Roanne|71100 Chalon-sur-Saône
69400 Villefranche-sur-Saône|03100 Montluçon|64000 Pau|17000 La Rochelle|86000 Poitiers
56100 Lorient|28000 Chartres|10000 Troyes|60200 Compiègne|62000 Arras|59300 Valenciennes
84000 Avignon
""".replace("\n", "|")
    .strip("|")
    .split("|")
)
UK_CITIES = (
    ("EC2A 4NE", "London"),
    ("M1 1AE", "Manchester"),
    ("B1 1BB", "Birmingham"),
    ("LS1 4AP", "Leeds"),
    ("G2 1DU", "Glasgow"),
    ("BS1 4DJ", "Bristol"),
    ("EH2 2ER", "Edinburgh"),
    ("CB2 1TN", "Cambridge"),
    ("L1 8JQ", "Liverpool"),
)
TRADES = (
    "Transports",
    "Menuiserie",
    "Ateliers",
    "Établissements",
    "Imprimerie",
    "Laboratoires",
    "Chaudronnerie",
    "Plasturgie",
    "Mécanique",
    "Électricité",
    "Agencements",
    "Logistique",
    "Emballages",
    "Fonderie",
    "Scierie",
    "Bâtiment",
    "Robinetterie",
)
LEGAL_FORMS = (("SAS", 40), ("SARL", 28), ("SASU", 12), ("SA", 8), ("EURL", 9), ("SCOP", 3))
PUBLIC_BODIES = (
    ("Mairie", "Commune", "21"),
    ("Communauté d'agglomération", "EPCI", "20"),
    ("Centre hospitalier", "Établissement public de santé", "26"),
)
ADDRESS_COMPLEMENTS = (
    "Zone industrielle Nord",
    "ZA des Granges",
    "Bâtiment B",
    "Parc d'activités du Moulin",
    "ZI des Trois Chênes",
    "CS 30012",
)
PAYMENT_METHODS = (("transfer", 76), ("check", 12), ("direct_debit", 9), ("card", 3))
CREDIT_REASONS = (
    "Litige qualité : remise accordée",
    "Litige sur quantités livrées",
    "Geste commercial après réclamation",
)
