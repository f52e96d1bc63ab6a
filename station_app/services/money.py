"""Money, exact to the fen: amounts are ``Decimal`` yuan with two places (or integer fen), never floats."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from station_app.i18n import tr
from station_app.services.errors import ValidationFailed

FEN = Decimal("0.01")


def yuan(value: object, field: str = "amount") -> Decimal:
    """``value`` (a Decimal, an int, or text such as "100", "100.5", "１００元") as yuan to the fen.

    A float is refused: it cannot say 0.1 exactly, and money must add up to the fen.
    """
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"money must not be a {type(value).__name__}: {value!r}")
    elif isinstance(value, int):
        amount = Decimal(value)
    else:
        text = str(value or "").strip().translate(_FULL_WIDTH).replace(",", "").replace("元", "").strip()
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationFailed({field: tr("金额“{text}”不是数字", text=value)}) from None
    if not amount.is_finite():
        raise ValidationFailed({field: tr("金额“{text}”不是数字", text=value)})
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def to_fen(amount: Decimal) -> int:
    return int((yuan(amount) * 100).to_integral_value())


def from_fen(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(FEN)


def format_yuan(amount: Decimal) -> str:
    """'13,200.00' — two places, thousands separated, as printed on a sign-off sheet."""
    return f"{yuan(amount):,.2f}"


_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")


def capitals(amount: Decimal) -> str:
    """The amount in Chinese capitals, as a sign-off sheet writes it: 壹万叁仟贰佰元整, 壹佰元伍角, 伍分."""
    import cn2an  # loaded when a sheet is printed, not at start-up

    return cn2an.an2cn(f"{yuan(amount):.2f}", "rmb")
