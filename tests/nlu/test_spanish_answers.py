"""Spanish answers read by the interview's readers through bot.nlu.spanish (PatientMessage.words)."""
import pytest

from bot.conversation import PatientMessage
from bot.nlu import parsers
from bot.nlu.checklist import read_checklist
from bot.nlu.spanish import gloss, spanish_numbers
from tests.nlu.test_checklist import EMERGENCY, KEYS


def words(text: str) -> str:
    return PatientMessage(text=text).words


@pytest.mark.parametrize(
    "text, number", [("tres", "3"), ("cuarenta y dos", "42"), ("veintidós", "22"), ("noventa", "90"), ("quince", "15")]
)
def test_spanish_number_words(text, number):
    assert spanish_numbers(gloss_input(text)) == number


def gloss_input(text: str) -> str:
    return text.replace("ó", "o").replace("ú", "u").replace("í", "i")


@pytest.mark.parametrize(
    "text, weeks",
    [("hace tres meses", 13), ("desde hace 6 meses", 26), ("un par de semanas", 2), ("hace un año", 52),
     ("desde el verano", None)],
)
def test_durations(text, weeks):
    parsed = parsers.parse_duration_weeks(words(text))
    assert parsed.ok
    if weeks is not None:
        assert parsed.value == weeks


@pytest.mark.parametrize("text, score", [("unos 6 de 10", 6), ("8 de 10", 8), ("un 7", 7)])
def test_severities(text, score):
    assert parsers.parse_severity(words(text)).value == score


@pytest.mark.parametrize("text, age", [("tengo cuarenta y dos", 42), ("tengo 35 años", 35), ("58", 58)])
def test_ages(text, age):
    assert parsers.parse_age(words(text)).value == age


@pytest.mark.parametrize(
    "text, value", [("sí", True), ("si", True), ("claro", True), ("sí, claro", True), ("por supuesto", True),
                    ("no", False), ("para nada", False), ("claro que no", False)],
)
def test_yes_and_no(text, value):
    assert parsers.parse_yes_no(words(text)).value is value


@pytest.mark.parametrize("text", ["no sé", "ni idea", "no estoy seguro", "no estoy segura"])
def test_not_knowing(text):
    assert parsers.parse_yes_no(words(text)).status == "unknown"


def test_checklist_replies():
    assert read_checklist(words("ninguno"), EMERGENCY).none
    assert read_checklist(words("nada de eso"), EMERGENCY).none
    first_and_third = read_checklist(words("el primero y el tercero"), EMERGENCY)
    assert first_and_third.understood and first_and_third.yes == {KEYS[0], KEYS[2]}
    assert read_checklist(words("1 y 3"), EMERGENCY).yes == {KEYS[0], KEYS[2]}
    assert read_checklist(words("no estoy seguro"), EMERGENCY).unsure


@pytest.mark.parametrize("text", ["hace una hora el pie derecho se me puso frío y azul", "dos veces al día",
                                  "desde hace 3 horas", "hace veinte minutos"])
def test_a_spanish_count_of_hours_or_times_is_not_an_item(text):
    """CI read "hace una hora" ("an hour ago") as item 1 of the emergency checklist."""
    assert not read_checklist(words(text), EMERGENCY).yes


@pytest.mark.parametrize(
    "text, facts",
    [
        ("me duele la rodilla izquierda", {"pain_location": "knee", "pain_side": "left"}),
        ("me duele la espalda al caminar", {"pain_location": "lower_back", "worse_walking": True}),
        ("tengo pies planos", {"flat_feet": True}),
        ("trabajo de pie todo el día", {"on_feet_job": True}),
        ("me duele la espalda desde hace tres meses", {"pain_location": "lower_back", "duration_weeks": 13}),
        ("tengo 42 años", {"age": 42}),
    ],
)
def test_facts_from_spanish_words(text, facts):
    assert {key: PatientMessage(text=text).facts.get(key) for key in facts} == facts


@pytest.mark.parametrize("text", ["my left knee hurts when I walk", "no", "3", "I have flat feet", "none of these"])
def test_english_is_left_alone(text):
    assert gloss(text) == text
