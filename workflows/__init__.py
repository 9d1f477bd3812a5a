"""What data each case type takes: its forms, rules and default deadlines, by case type id."""
from engine.casetypes import CaseType
from workflows import avvikelse, klagomal, lex_sarah

CASE_TYPES: dict[str, CaseType] = {
    case_type.id: case_type for case_type in (lex_sarah.CASE_TYPE, avvikelse.CASE_TYPE, klagomal.CASE_TYPE)
}
