"""Form fields that know a Swedish kind of value."""
from __future__ import annotations

from marshmallow import fields
from personnummer.personnummer import PersonnummerException, parse


class PersonalIdentityNumber(fields.String):
    """A personnummer or samordningsnummer (the birth day plus 60): 10 or 12 digits, with or
    without '-' or '+' (100 years or older), its date and check digit (Luhn) checked by the
    `personnummer` library. Kept as YYYYMMDD-NNNN, so that one person is always written alike."""

    default_error_messages = {
        "invalid_number": "Ange ett giltigt personnummer eller samordningsnummer, t.ex. 19811218-9876 "
                          "(datumet eller kontrollsiffran stämmer inte).",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text:
            return ""
        try:
            number = parse(text)
        except PersonnummerException:
            raise self.make_error("invalid_number") from None
        return f"{number.full_year}{number.month}{number.day}-{number.num}{number.check}"
