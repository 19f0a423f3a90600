"""Customer interface (portail client): the pages a debtor opens from a signed link in a
reminder, an invoice email or a statement. An interface like `web` and `api`: it calls domain
services and selectors and is imported by no domain app."""
