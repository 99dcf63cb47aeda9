"""Rule entities: canonical values for body part, side and activity; spans for the rest."""
import copy

import pytest
import yaml

from bot.nlu.entities import ENTITY_FILE, EntityExtractor, extract_entities
from bot.nlu.pipeline import blank_english


def found(text):
    return [(e["entity"], e["value"]) for e in extract_entities(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("both knees", [("side", "both"), ("body_part", "knee")]),
        ("my left one", [("side", "left")]),
        ("back and knee", [("body_part", "both")]),
        ("my knee and lower back", [("body_part", "both")]),
        ("my lower back", [("body_part", "lower_back")]),
        ("upper back and neck", [("body_part", "other"), ("body_part", "other")]),
        ("pain in my left heel and right ankle",
         [("side", "left"), ("body_part", "foot"), ("side", "right"), ("body_part", "ankle")]),
        ("L knee", [("side", "left"), ("body_part", "knee")]),
        ("my hip", [("body_part", "hip")]),
        ("left and right", [("side", "both")]),
        ("right", [("side", "right")]),
        ("both", [("side", "both")]),
    ],
)
def test_body_part_and_side(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    ["I'll be right back", "i left work early", "right now", "6 feet away", "come back and see you",
     "you got it right"],
)
def test_words_that_only_look_like_a_side_or_body_part(text):
    assert [e for e in found(text) if e[0] in ("side", "body_part")] == []


def test_the_back_of_the_knee_is_the_knee():
    assert found("the back of my knee") == [("body_part", "knee")]


@pytest.mark.parametrize(
    "text, span",
    [
        ("my back has hurt for about 3 months", "about 3 months"),
        ("since last summer", "since last summer"),
        ("2 wks", "2 wks"),
        ("3mos", "3mos"),
        ("a couple of weeks ago", "a couple of weeks ago"),
        ("it started last week", "last week"),
        ("for years", "for years"),
        ("a year and a half", "a year and a half"),
    ],
)
def test_duration_keeps_its_text(text, span):
    durations = [e for e in extract_entities(text) if e["entity"] == "duration"]
    assert [(d["value"], d["text"]) for d in durations] == [(span, span)]


@pytest.mark.parametrize("text", ["i run 3 times a week", "I stand 8 hrs a day", "5 days a week", "2 year old shoes"])
def test_frequencies_and_ages_are_not_durations(text):
    assert [e for e in found(text) if e[0] == "duration"] == []


@pytest.mark.parametrize(
    "text, span",
    [("6/10", "6/10"), ("pretty bad", "pretty bad"), ("its a 7", "a 7"), ("6 out of 10", "6 out of 10"),
     ("7-8/10", "7-8/10"), ("not too bad", "not too bad"), ("unbearable", "unbearable"), ("mild", "mild")],
)
def test_severity_keeps_its_text(text, span):
    assert [e["value"] for e in extract_entities(text) if e["entity"] == "severity"] == [span]


@pytest.mark.parametrize("text", ["a 7 year old", "a five minute walk", "my back is bad", "one of them"])
def test_numbers_and_words_that_are_not_severity(text):
    assert [e for e in found(text) if e[0] == "severity"] == []


@pytest.mark.parametrize(
    "text, activity",
    [("it hurts when I walk to work", "walking"), ("on my feet all day", "standing"),
     ("after running", "running"), ("sitting at my desk", "sitting"), ("going up the stairs", "stairs"),
     ("hiking", "walking"), ("jogging in the park", "running"), ("standing at the register", "standing")],
)
def test_activity(text, activity):
    assert [e[1] for e in found(text) if e[0] == "activity"] == [activity]


@pytest.mark.parametrize("text", ["cancer runs in my family", "running a fever", "i can't stand it", "walk-in appointment"])
def test_phrases_that_are_not_activities(text):
    assert [e for e in found(text) if e[0] == "activity"] == []


def test_entities_are_rasa_style_with_character_offsets():
    text = "My LEFT knee has hurt for 2 wks, about a 6/10 when walking"
    entities = extract_entities(text)
    assert [e["entity"] for e in entities] == ["side", "body_part", "duration", "severity", "activity"]
    for entity in entities:
        assert set(entity) == {"entity", "value", "start", "end", "text"}
        assert text[entity["start"] : entity["end"]] == entity["text"]
    assert entities[0]["value"] == "left" and entities[0]["text"] == "LEFT"


def test_a_non_canonical_value_in_the_rule_file_fails_loudly():
    with open(ENTITY_FILE, encoding="utf-8") as handle:
        spec = copy.deepcopy(yaml.safe_load(handle))
    spec["entities"]["body_part"]["values"]["shin"] = ["shin"]
    with pytest.raises(ValueError, match="body_part values"):
        EntityExtractor(blank_english(), spec)
