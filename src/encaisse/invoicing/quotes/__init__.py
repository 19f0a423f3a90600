"""Quotes (devis): priced offers that state the payment conditions before the sale."""
