"""Spanish answers read by the project's English readers: a gloss of the words they need.

Why: the interview's answer readers (bot.nlu.parsers, bot.nlu.checklist, bot.nlu.facts)
are tuned and measured on English. Rather than a second copy of each reader, a Spanish
reply is glossed word by word into the phrases those readers know: numbers ("cuarenta y
dos" -> 42), durations ("hace tres meses" -> "3 months ago", "desde el verano" -> "since
the summer"), severities ("unos 6 de 10" -> "about 6/10"), ages ("tengo 42 años" -> "i am
42"), yes/no ("sí", "claro", "para nada", "no sé"), checklist replies ("ninguno", "el
primero y el tercero", "no estoy seguro") and the facts of the interview ("me duele la
rodilla izquierda" -> "hurts the left knee", "pies planos", "al caminar", "de pie todo el
día"). English text is left alone: only text that is Spanish (`is_spanish`) is glossed.

Red flags are never read through this gloss: bot/nlu/redflag_patterns_es.yml reads the
patient's own Spanish words.
"""
from __future__ import annotations

import re
import unicodedata
from typing import List, Tuple

from bot.nlu.language import SPANISH, detected_language

_UNITS = {
    "cero": 0, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
    "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15,
    "dieciseis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19, "veinte": 20, "veintiuno": 21,
    "veintiun": 21, "veintidos": 22, "veintitres": 23, "veinticuatro": 24, "veinticinco": 25,
    "veintiseis": 26, "veintisiete": 27, "veintiocho": 28, "veintinueve": 29,
}
_TENS = {"treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80, "noventa": 90}
_UNIT_WORDS = "|".join(sorted((w for w, v in _UNITS.items() if 0 < v < 10), key=len, reverse=True))
_NUMBER = re.compile(
    rf"\b(?:({'|'.join(_TENS)})(?:\s+y\s+({_UNIT_WORDS}))?|({'|'.join(sorted(_UNITS, key=len, reverse=True))}))\b"
)

# (Spanish pattern on lower-cased text without accents, English replacement); in order.
GLOSS: List[Tuple[str, str]] = [
    # "me duele la rodilla" -> "mi rodilla duele" (then "my knee hurts", the order the readers know)
    (r"\b(?:me duelen|me duele|me molesta|me molestan) (?:la|el|las|los|mi|mis) ((?:dos |2 |ambas )?\w+(?: (?:izquierda|derecha|baja))?)",
     r"mi \1 duele"),
    # durations, before the words they contain
    (r"\bdesde hace\b", "for"),
    (r"\bhace\s+(?:unos\s+|unas\s+|como\s+)?(\d+|un|una|un par de|unas pocas|unos pocos|varias|varios)\s+(minutos?|horas?|dias?|semanas?|mes(?:es)?|anos?)\b",
     r"\1 \2 ago"),
    (r"\bdesde (?:el )?verano\b", "since the summer"), (r"\bdesde (?:el )?invierno\b", "since the winter"),
    (r"\bdesde (?:el )?otono\b", "since the fall"), (r"\bdesde (?:la )?primavera\b", "since the spring"),
    (r"\bdesde (?:la )?navidad\b", "since christmas"),
    (r"\bdesde\b", "since"),
    (r"\bel (ano|mes) pasado\b", r"last \1"),
    (r"\bla semana pasada\b", "last week"),
    (r"\bun par de\b", "a couple of"),
    (r"\b(unos|unas|alrededor de|mas o menos|aproximadamente|casi)\b", "about"),
    (r"\bmas de\b", "more than"),
    (r"\bmedio ano\b", "half a year"),
    (r"\b(\d+)\s+(?:de|sobre)\s+10\b", r"\1/10"),
    (r"\btengo (\d+)(?:\s+anos)?\b(?!\s+(?:dias?|semanas?|mes))", r"i am \1"),
    (r"\b(\d+) anos de edad\b", r"i am \1"),
    # yes, no, not sure
    (r"^\s*si\b", "yes"),
    (r"\bclaro que si\b", "yes"),
    (r"\bclaro que no\b", "no"),
    (r"\b(claro|por supuesto|exacto|correcto|asi es|eso es|afirmativo|sip|dale)\b", "yes"),
    (r"\b(vale|de acuerdo)\b", "ok"),
    (r"\b(para nada|en absoluto|de ninguna manera)\b", "not at all"),
    (r"\bno (?:lo )?se\b", "don't know"),
    (r"\bni idea\b", "don't know"),
    (r"\bno estoy segur[oa]\b", "not sure"),
    (r"\b(no me acuerdo|no recuerdo)\b", "don't remember"),
    (r"\b(quizas|quiza|tal vez|a lo mejor|puede ser)\b", "maybe"),
    (r"\b(ninguno|ninguna|ningunos|ningunas)(?: de (?:esos|esas|estos|estas|ellos|ellas))?\b", "none"),
    (r"\bnada de eso\b", "none"),
    (r"\btodos menos\b|\btodas menos\b|\btodos excepto\b|\btodas excepto\b", "all except"),
    (r"\b(todos|todas)\b", "all"),
    (r"\b(?:el |la )?(primer[oa]?|segund[oa]|tercer[oa]?|cuart[oa]|quint[oa]|sext[oa])\b", r"the \1"),
    (r"\bprimer[oa]?\b", "first"), (r"\bsegund[oa]\b", "second"), (r"\btercer[oa]?\b", "third"),
    (r"\bcuart[oa]\b", "fourth"), (r"\bquint[oa]\b", "fifth"), (r"\bsext[oa]\b", "sixth"),
    (r"\bel numero\b", "number"),
    (r"\b(mas tarde|otras horas|otra hora|otro dia|otros dias)\b", "later"),
    (r"\bnunca (?:las |los )?he (?:probado|usado)\b", "never tried them"),
    # foot type and shoes
    (r"\b(pies planos|pie plano|arcos? caidos?|(?:el |los )?arcos? del pie caidos?|puente caido)\b", "flat feet"),
    (r"\b(puente alto|arcos? altos?|pies? cavos?)\b", "high arches"),
    (r"\b(?:los |mis )?pies se (?:me )?van hacia dentro\b", "my feet roll in"),
    (r"\b(?:los |mis )?pies se (?:me )?van hacia fuera\b", "my feet roll out"),
    (r"\bse gastan por dentro\b", "wear on the inside"),
    (r"\bse gastan por fuera\b", "wear on the outside"),
    # activities
    (r"\b(?:trabajo de pie|estoy de pie) todo el dia\b", "i stand all day at work"),
    (r"\bde pie todo el dia\b", "standing all day"),
    (r"\b(al caminar|cuando camino|caminando|al andar|cuando ando|andando)\b", "when i walk"),
    (r"\b(al correr|cuando corro|corriendo)\b", "when i run"),
    (r"\b(?:al |cuando )?subir escaleras\b", "going up stairs"),
    (r"\b(?:al |cuando )?bajar escaleras\b", "going down stairs"),
    (r"\b(estar de pie|de pie|parado|parada)\b", "standing"),
    (r"\b(sentado|sentada)\b", "sitting"),
    (r"\bcorro\b", "i run"), (r"\bcamino\b", "i walk"), (r"\bescaleras\b", "stairs"),
    # where it hurts
    (r"\bdolor (?:de|en la|en el|en las|en los) (rodillas?|espalda|cadera|pies?|talon|tobillos?)\b", r"\1 dolor"),
    (r"\brodilla (izquierda|derecha)\b", r"\1 knee"),
    (r"\b(?:las )?(?:dos|2|ambas) rodillas\b", "both knees"),
    (r"\brodillas\b", "knees"), (r"\brodilla\b", "knee"),
    (r"\b(?:la )?(?:parte|zona) baja de la espalda\b|\bespalda baja\b|\bzona lumbar\b|\blumbares?\b", "the lower back"),
    (r"\bespalda\b", "back"), (r"\bcadera\b", "hip"), (r"\btobillos?\b", "ankle"),
    (r"\btalon(es)?\b", "heel"), (r"\bpies\b", "feet"), (r"\bpie\b", "foot"),
    (r"\b(izquierda|izquierdo)\b", "left"), (r"\b(derecha|derecho)\b", "right"),
    (r"\b(ambas|ambos|las dos|los dos|las 2|los 2)\b", "both"),
    (r"\b(zapatos|zapatillas|tenis)\b", "shoes"), (r"\bsuelas?\b", "soles"), (r"\bplantillas\b", "insoles"),
    (r"\b(me duelen|me duele|duelen|duele|me molesta|me molestan)\b", "hurts"),
    (r"\b(dolor|dolores|molestias?)\b", "pain"),
    # words the readers lean on
    (r"\bmeses\b", "months"), (r"\bmes\b", "month"), (r"\bsemanas\b", "weeks"), (r"\bsemana\b", "week"),
    (r"\banos\b", "years"), (r"\bano\b", "year"), (r"\bdias\b", "days"), (r"\bdia\b", "day"),
    (r"\bhoras\b", "hours"), (r"\bhora\b", "hour"), (r"\bminutos?\b", "minutes"), (r"\bveces\b", "times"),
    (r"\bun\b|\buna\b", "a"), (r"\b(mi|mis)\b", "my"), (r"\b(la|el|las|los)\b", "the"),
    (r"\by\b|\be\b", "and"), (r"\bo\b|\bu\b", "or"), (r"\bcuando\b", "when"), (r"\bcon\b", "with"),
    (r"\bsin\b", "without"), (r"\bpero\b", "but"), (r"\btengo\b", "i have"), (r"\bsoy\b", "i am"),
    (r"\bmucho\b", "a lot"), (r"\bleve\b", "mild"), (r"\bmoderad[oa]\b", "moderate"),
    (r"\bbastante fuerte\b", "pretty bad"), (r"\bmuy fuerte\b", "very bad"), (r"\bfuerte\b", "bad"),
    (r"\binsoportable\b", "unbearable"),
]
_COMPILED = [(re.compile(pattern), replacement) for pattern, replacement in GLOSS]
_SPANISH_HINT = re.compile(r"[¿¡ñáéíóú]|\b(mi|el|la|los|las|que|de|tengo|duele|hace|desde|si|no se|ninguno|unos)\b")


def spanish_numbers(text: str) -> str:
    """Spanish number words as digits: "cuarenta y dos" -> "42", "tres" -> "3"."""

    def value(found: "re.Match[str]") -> str:
        tens, unit, single = found.groups()
        if single:
            return str(_UNITS[single])
        return str(_TENS[tens] + (_UNITS[unit] if unit else 0))

    return _NUMBER.sub(value, text)


def gloss(text: str) -> str:
    """The text with its Spanish words in the English readers' words; English text unchanged."""
    if not is_spanish(text):
        return text
    folded = _folded(text)
    glossed = spanish_numbers(folded)
    for pattern, replacement in _COMPILED:
        glossed = pattern.sub(replacement, glossed)
    return " ".join(glossed.split())


def is_spanish(text: str) -> bool:
    """Spanish by the language identifier, or (too short for it) by a Spanish word or accent."""
    language = detected_language(text)
    return language == SPANISH or (language is None and bool(_SPANISH_HINT.search(text.lower())))


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
