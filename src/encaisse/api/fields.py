"""Field types shared by the API schemas: bounded ids, texts, amounts, rates and dates.

Every input is bounded to what the database column holds, so bad input is a 422 naming
the field and never reaches the database as an overflow (a 500).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Generic, TypeVar

from ninja import Field, Schema
from pydantic import AfterValidator, PlainSerializer

from encaisse.core.money import quantize

MAX_ID = 2**63 - 1  # bigint; larger ids overflow SQLite and PostgreSQL alike
MAX_OFFSET = 10**9
MAX_AMOUNT = Decimal("999999999999.99")  # DecimalField(max_digits=14, decimal_places=2)
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)


def _no_nul(value: str) -> str:
    # PostgreSQL refuses NUL in text; say so here instead of failing in the database.
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    return value


def _plausible_day(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"date must be between {FIRST_DAY} and {LAST_DAY}")
    return value


def _money_text(value: Decimal) -> str:
    return str(quantize(value))


def _decimal_text(value: Decimal) -> str:
    return str(value)


NoNul = AfterValidator(_no_nul)

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Str2 = Annotated[str, Field(max_length=2), NoNul]
Str20 = Annotated[str, Field(max_length=20), NoNul]
Str30 = Annotated[str, Field(max_length=30), NoNul]
Str50 = Annotated[str, Field(max_length=50), NoNul]
Str100 = Annotated[str, Field(max_length=100), NoNul]
Str140 = Annotated[str, Field(max_length=140), NoNul]
Str200 = Annotated[str, Field(max_length=200), NoNul]
Str254 = Annotated[str, Field(max_length=254), NoNul]
LongText = Annotated[str, Field(max_length=10_000), NoNul]
Name = Annotated[str, Field(min_length=1, max_length=200), NoNul]
Description = Annotated[str, Field(min_length=1, max_length=500), NoNul]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]

Day = Annotated[date, AfterValidator(_plausible_day)]

# Inputs: strings such as "1234.50" (JSON numbers are read too), bounded like the columns.
AmountIn = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)]
CreditLimitIn = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
QuantityIn = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=3)]
UnitPriceIn = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=4)]
VatRateIn = Annotated[Decimal, Field(ge=0, lt=1, max_digits=5, decimal_places=4)]
DiscountRateIn = Annotated[Decimal, Field(ge=0, le=1, max_digits=5, decimal_places=4)]

# Outputs: amounts as strings with two decimals, other decimals as stored.
Money = Annotated[Decimal, PlainSerializer(_money_text, return_type=str)]
DecimalText = Annotated[Decimal, PlainSerializer(_decimal_text, return_type=str)]

T = TypeVar("T")


class PageQuery(Schema):
    limit: int = Field(50, ge=1, le=500, description="page size (1 to 500)")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="rows to skip")


class Page(Schema, Generic[T]):
    count: int = Field(description="rows matching the filters, all pages together")
    items: list[T]


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    code: str
    errors: list[FieldErrorOut] | None = None
