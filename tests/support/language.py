"""`looks_english(text)`: a plain check, independent of the product's language detection,
that a bot reply is English (used to show that a Spanish conversation gets no English)."""
import re

ENGLISH_WORDS = frozenset(
    "the you your is are and to of please what how do does did this that it with for have has not can "
    "we our us will would if or when which any these those be been yes no sure thanks".split()
)
SPANISH_WORDS = frozenset(
    "el la los las de que y en un una por para con su sus es son le lo se del al usted tiene "
    "esta este estos esas si no gracias cuando como cual hay ha puede".split()
)


def looks_english(text: str) -> bool:
    """True when English function words clearly outnumber Spanish ones (two at least)."""
    words = re.findall(r"[a-záéíóúñü']+", text.lower())
    english = sum(word in ENGLISH_WORDS for word in words)
    spanish = sum(word in SPANISH_WORDS for word in words)
    return english >= 2 and english > spanish
