"""Field types shared by the API schemas: bounded ids, texts, amounts, rates and dates.

Every input is bounded to what the database column holds, so bad input is a 422 naming
the field and never reaches the database as an overflow (a 500).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

from encaisse.core.money import quantize

MAX_ID = 2**63 - 1  # bigint; larger ids overflow SQLite and PostgreSQL alike
MAX_OFFSET = 10**9
MAX_AMOUNT = Decimal("999999999999.99")  # DecimalField(max_digits=14, decimal_places=2)
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)


# Rules over several fields of a body, which a JSON schema cannot say: refused with 422 and
# their own code, as a business rule is, never as a `validation_error` of the schema.
RULE_CODES = frozenset({"total_too_large", "invoice_repeated"})


def rule_broken(code: str, message: str) -> PydanticCustomError:
    assert code in RULE_CODES, code
    return PydanticCustomError(code, message)


def _no_nul(value: str) -> str:
    # PostgreSQL refuses NUL in text; say so here instead of failing in the database.
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    return value


def _plausible_day(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"date must be between {FIRST_DAY} and {LAST_DAY}")
    return value


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# Years the API takes in a body, as a pattern the OpenAPI schema can carry beside its format.
DAY_PATTERN = r"^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$"


def _iso_day(value: Any) -> Any:
    # pydantic also reads numbers as Unix times (`?issued_to=0` was 1970-01-01); dates are ISO.
    if isinstance(value, date):
        return value
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        return value
    raise ValueError("a date is written YYYY-MM-DD")


def _positive_digits(places: int) -> str:
    # "0." then at most `places` digits of which one is not zero: 0.01 ... 0.99 for 2 places.
    tails = [places - 1 - k for k in range(places)]
    return "|".join(
        "0" * k + "[1-9]" + (f"[0-9]{{0,{tail}}}" if tail else "") for k, tail in enumerate(tails)
    )


def decimal_pattern(*, integers: int, places: int, positive: bool) -> str:
    """A decimal written without exponent, sign or leading zero, within the column's digits.

    >>> re.fullmatch(decimal_pattern(integers=12, places=2, positive=True), "0.05") is not None
    True
    >>> re.fullmatch(decimal_pattern(integers=12, places=2, positive=True), "0.00") is None
    True
    """
    whole = f"[1-9][0-9]{{0,{integers - 1}}}(\\.[0-9]{{1,{places}}})?"
    if positive:
        return f"^({whole}|0\\.({_positive_digits(places)}))$"
    return f"^({whole}|0(\\.[0-9]{{1,{places}}})?)$"


def _decimal_in(
    pattern: str, *, places: int, number: dict[str, Any]
) -> tuple[BeforeValidator, WithJsonSchema]:
    """What a decimal input accepts, the same in the server and in the OpenAPI schema: a
    string matching `pattern`, or a JSON number (`number`: its bounds) read as it is written,
    so `0.1` is 0.10 exactly, with at most `places` decimals."""
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError('a decimal is a string such as "12.50"')
        if isinstance(value, float):
            # repr is the shortest text that reads back as this float: what the client wrote.
            value = repr(value).removesuffix(".0") if value.is_integer() else repr(value)
        elif isinstance(value, int):
            value = str(value)
        elif isinstance(value, Decimal):
            value = format(value, "f")
        if isinstance(value, str) and compiled.fullmatch(value):
            return value
        raise ValueError('a decimal is a string such as "12.50"')

    step = {"multipleOf": float(Decimal(1).scaleb(-places))}
    schema = {
        "anyOf": [{"type": "string", "pattern": pattern}, {"type": "number", **number, **step}]
    }
    return BeforeValidator(check), WithJsonSchema(schema)


def _money_text(value: Decimal) -> str:
    return str(quantize(value))


def _decimal_text(value: Decimal) -> str:
    return str(value)


# The check, and the schema's word for it, so that a client knows before sending.
NoNul = (AfterValidator(_no_nul), Field(json_schema_extra={"pattern": "^[^\\x00]*$"}))

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Str2 = Annotated[str, Field(max_length=2), *NoNul]
Str20 = Annotated[str, Field(max_length=20), *NoNul]
Str30 = Annotated[str, Field(max_length=30), *NoNul]
Str50 = Annotated[str, Field(max_length=50), *NoNul]
Str100 = Annotated[str, Field(max_length=100), *NoNul]
Str140 = Annotated[str, Field(max_length=140), *NoNul]
Str200 = Annotated[str, Field(max_length=200), *NoNul]
Str254 = Annotated[str, Field(max_length=254), *NoNul]
LongText = Annotated[str, Field(max_length=10_000), *NoNul]
Name = Annotated[str, Field(min_length=1, max_length=200), *NoNul]
Description = Annotated[str, Field(min_length=1, max_length=500), *NoNul]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]

# A date in a body: ISO, from 1900 to 2999 (a due date computed from it must fit).
Day = Annotated[
    date,
    BeforeValidator(_iso_day),
    AfterValidator(_plausible_day),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DAY_PATTERN}),
]
# A date that filters a list: any ISO date.
DayFilter = Annotated[date, BeforeValidator(_iso_day)]

# Inputs: strings such as "1234.50" (or whole numbers), bounded like the columns; the
# schema says so, so that a client that follows it is never refused by the server.
AmountIn = Annotated[
    Decimal,
    *_decimal_in(
        decimal_pattern(integers=12, places=2, positive=True),
        places=2,
        number={"exclusiveMinimum": 0, "maximum": float(MAX_AMOUNT)},
    ),
    Field(gt=0, max_digits=14, decimal_places=2),
]
CreditLimitIn = Annotated[
    Decimal,
    *_decimal_in(
        decimal_pattern(integers=12, places=2, positive=False),
        places=2,
        number={"minimum": 0, "maximum": float(MAX_AMOUNT)},
    ),
    Field(ge=0, max_digits=14, decimal_places=2),
]
QuantityIn = Annotated[
    Decimal,
    *_decimal_in(
        decimal_pattern(integers=9, places=3, positive=True),
        places=3,
        number={"exclusiveMinimum": 0, "maximum": 999_999_999.999},
    ),
    Field(gt=0, max_digits=12, decimal_places=3),
]
UnitPriceIn = Annotated[
    Decimal,
    *_decimal_in(
        decimal_pattern(integers=10, places=4, positive=False),
        places=4,
        number={"minimum": 0, "maximum": 9_999_999_999.9999},
    ),
    Field(ge=0, max_digits=14, decimal_places=4),
]
VatRateIn = Annotated[
    Decimal,
    *_decimal_in(r"^0(\.[0-9]{1,4})?$", places=4, number={"minimum": 0, "exclusiveMaximum": 1}),
    Field(ge=0, lt=1, max_digits=5, decimal_places=4),
]
DiscountRateIn = Annotated[
    Decimal,
    *_decimal_in(
        r"^(0(\.[0-9]{1,4})?|1(\.0{1,4})?)$", places=4, number={"minimum": 0, "maximum": 1}
    ),
    Field(ge=0, le=1, max_digits=5, decimal_places=4),
]

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
