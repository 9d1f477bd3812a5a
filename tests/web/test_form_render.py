"""Forms drawn from marshmallow schemas and read back: the real lex Sarah forms."""
from marshmallow import fields
from werkzeug.datastructures import MultiDict

from web.form_render import ADD_ROW, REMOVE_ROW, describe, edit_rows, fields_for, problems, read_form
from workflows import lex_sarah
from workflows.forms import FormSchema, text


def by_name(drawn):
    return {f.name: f for f in drawn}


def test_each_kind_of_field_gets_its_widget():
    report = by_name(fields_for(lex_sarah.ReportSchema, choices={"unit": {"hemtjanst-norr": "Hemtjänst Norr"}}))
    assert report["what_happened"].widget == "textarea"  # long text
    assert report["affected_individual"].widget == "text"  # at most 100 characters
    assert report["occurred_on"].widget == "date"
    assert report["reporter_role"].widget == "radio"  # required, four options
    assert report["unit"].widget == "select" and report["unit"].options == [("hemtjanst-norr", "Hemtjänst Norr")]
    propose = by_name(fields_for(lex_sarah.ProposeSchema))
    assert propose["assessment"].widget == "select"  # five options
    assert propose["categories"].widget == "checkboxes"
    assert ("neglect", "Försummelse") in propose["categories"].options
    assert propose["severity"].widget == "radio" and propose["severity"].options[3] == ("4", "Hög")
    assert propose["action_plan"].widget == "rows"
    assert "risk_level" not in propose  # computed by the form, never typed


def test_yes_no_questions_and_optional_ticks():
    class Schema(FormSchema):
        decided = fields.Boolean(required=True, metadata={"label": "Beslutat?"})
        reply_wanted = fields.Boolean(load_default=False, metadata={"label": "Vill du ha svar?"})

    drawn = by_name(fields_for(Schema, {"decided": False}))
    assert drawn["decided"].widget == "yes_no" and drawn["decided"].value == "false"
    assert drawn["decided"].options == [("true", "Ja"), ("false", "Nej")]
    assert drawn["reply_wanted"].widget == "checkbox"


def test_labels_and_the_required_marker_come_from_the_schema():
    drawn = by_name(fields_for(lex_sarah.ReportSchema))
    assert drawn["noticed_on"].label == "När upptäcktes det?" and drawn["noticed_on"].required
    assert not drawn["immediate_actions"].required


def test_rows_are_named_by_their_path_and_hold_their_values():
    drawn = by_name(fields_for(lex_sarah.InvestigateSchema, {"entries": [
        {"date": "2026-11-20", "source": "Intervju"}, {"source": "Journal"}]}))
    rows = drawn["entries"].rows
    assert len(rows) == 2
    assert [(f.name, f.value) for f in rows[0][:2]] == [("entries-0-date", "2026-11-20"), ("entries-0-source", "Intervju")]
    assert rows[1][1].name == "entries-1-source" and rows[1][1].value == "Journal"


def test_an_empty_list_of_rows_still_shows_one_row_to_fill_in():
    assert len(by_name(fields_for(lex_sarah.InvestigateSchema))["entries"].rows) == 1


def test_a_posted_form_becomes_the_nested_data_the_schema_loads():
    form = MultiDict([
        ("assessment", "misconduct"), ("categories", "neglect"), ("categories", "treatment"),
        ("severity", "3"), ("probability", ""), ("recurrence_risk", "  Stor  "),
        ("action_plan-0-description", "Ny rutin"), ("action_plan-0-owner", "Erik"), ("action_plan-0-due_on", "2026-12-01"),
        ("action_plan-1-description", ""), ("action_plan-1-owner", ""), ("action_plan-1-due_on", ""),
        ("action_plan-2-description", "Utbildning"), ("proposal", "Åtgärda"), ("csrf_token", "x"),
    ])
    assert read_form(lex_sarah.ProposeSchema, form) == {
        "assessment": "misconduct", "categories": ["neglect", "treatment"], "severity": "3",
        "recurrence_risk": "Stor", "proposal": "Åtgärda",
        # the wholly empty row is dropped; the half-filled one is kept to be checked
        "action_plan": [{"description": "Ny rutin", "owner": "Erik", "due_on": "2026-12-01"},
                        {"description": "Utbildning"}],
    }


def test_a_post_that_lists_no_row_reads_as_an_empty_list():
    assert read_form(lex_sarah.ProposeSchema, MultiDict())["action_plan"] == []


def test_add_and_remove_row_buttons_change_the_rows_and_keep_the_rest():
    data = {"entries": [{"source": "A"}, {"source": "B"}], "method": "Intervjuer"}
    assert edit_rows(data, MultiDict({ADD_ROW: "entries"}))
    assert data["entries"] == [{"source": "A"}, {"source": "B"}, {}]
    assert edit_rows(data, MultiDict({REMOVE_ROW: "entries-0"}))
    assert data == {"entries": [{"source": "B"}, {}], "method": "Intervjuer"}
    assert not edit_rows(data, MultiDict({"method": "x"}))


def test_row_buttons_with_nonsense_values_change_nothing():
    data = {"entries": [{"source": "A"}]}
    assert edit_rows(data, MultiDict({REMOVE_ROW: "entries-9"}))
    assert edit_rows(data, MultiDict({REMOVE_ROW: "entries-x"}))
    assert edit_rows(data, MultiDict({ADD_ROW: "method"}))
    assert data == {"entries": [{"source": "A"}]}


def test_errors_sit_on_their_fields_and_in_the_summary_with_links():
    errors = {"entries": {1: {"date": ["Ange ett datum som ÅÅÅÅ-MM-DD."]}}, "method": ["Fältet måste fyllas i."],
              "_schema": ["Formuläret ska vara ett objekt med fält."]}
    drawn = fields_for(lex_sarah.InvestigateSchema, {"entries": [{"source": "A"}, {"date": "igår"}]}, errors)
    date_field = by_name(drawn)["entries"].rows[1][0]
    assert date_field.errors == ["Ange ett datum som ÅÅÅÅ-MM-DD."] and date_field.value == "igår"
    summary = problems(drawn, errors)
    assert [(p.label, p.anchor) for p in summary] == [
        ("Datum", "f-entries-1-date"), ("Metod (källor, intervjuer)", "f-method"), ("", None)]


def test_a_list_level_error_stays_on_the_list():
    drawn = fields_for(lex_sarah.InvestigateSchema, {"entries": []}, {"entries": ["Ange minst en uppgift."]})
    assert by_name(drawn)["entries"].errors == ["Ange minst en uppgift."]


def test_stored_data_reads_with_labels_and_option_names():
    stored = {"assessment": "serious_misconduct", "categories": ["neglect", "treatment"], "severity": 4,
              "action_plan": [{"description": "Ny rutin", "owner": "erik", "due_on": "2026-12-31",
                               "follow_up_on": None, "owner_name": "Erik Johansson"}],
              "risk_level": "kritisk"}
    shown = {s.label: s for s in describe(lex_sarah.ProposeSchema, stored, {"owner": {"erik": "Erik Johansson"}})}
    assert shown["Bedömning"].text == "Allvarligt missförhållande"
    assert shown["Kategorier"].text == "Försummelse, Brister i bemötande"
    assert shown["Allvarlighet"].text == "Hög"
    assert shown["Åtgärdsplan"].columns == ("Åtgärd", "Ansvarig", "Klart senast", "Följs upp")
    assert shown["Åtgärdsplan"].rows == (("Ny rutin", "Erik Johansson", "2026-12-31", "–"),)


def test_stored_yes_no_and_people_read_as_words():
    class Schema(FormSchema):
        investigator = fields.String(metadata={"label": "Utredare"})
        interviewed = fields.Boolean(metadata={"label": "Intervjuad"})
        note = text(required=False, metadata={"label": "Anteckning"})

    shown = describe(Schema, {"investigator": "ulla", "interviewed": False, "note": ""},
                     {"investigator": {"ulla": "Ulla Svensson"}})
    assert [(s.label, s.text) for s in shown] == [("Utredare", "Ulla Svensson"), ("Intervjuad", "Nej"),
                                                  ("Anteckning", "–")]
