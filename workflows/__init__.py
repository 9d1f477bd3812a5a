"""What data each case type takes: its forms, rules and default deadlines, by case type id."""
from dataclasses import replace

from engine.casetypes import CaseType
from workflows import avvikelse, klagomal, lex_sarah

# A lex Sarah report that is no missförhållande may be re-filed as a complaint or a deviation
# (bpmn/lex_sarah.bpmn). Their modules build its report and themselves use lex_sarah's forms,
# so the lex Sarah case type is given those builders here, where all three are known.
LEX_SARAH = replace(lex_sarah.CASE_TYPE, linked_reports={"klagomal": klagomal.report_from_lex_sarah,
                                                         "avvikelse": avvikelse.report_from_lex_sarah})

CASE_TYPES: dict[str, CaseType] = {
    case_type.id: case_type for case_type in (LEX_SARAH, avvikelse.CASE_TYPE, klagomal.CASE_TYPE)
}
