"""A checklist question (``custom.checklist``, docs: /work/briefs/contract.md) as one Telegram message.

The message shows the legend and an inline keyboard: one "☐ label" row per item,
a "Done" row and a "None of these" / "Not sure" row. Taps toggle ticks on the
server-side state (kept per message in the ``CallbackDataStore``, because 64
bytes of callback_data cannot hold it), so the buttons carry only short tokens.
Button text is shortened to fit a phone; when any label had to be cut, the full
labels are listed, numbered, in the message text and the buttons carry the
numbers, so a patient never has to guess what a shortened red flag says.
Nothing here talks to Telegram or Rasa: ``handlers.py`` and ``output.py`` do.
"""
from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, replace
from typing import Any, List, Mapping, Optional, Tuple

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.telegram.callback_data import Record

logger = logging.getLogger(__name__)

CHECKLIST = "checklist"
BUTTON_WIDTH = 40  # characters a full-width inline button shows on a 360 dp phone screen
NOTE_WIDTH = 14
UNTICKED, TICKED, CHOSEN = "☐", "☑", "✓"
DONE, NONE, UNSURE = "done", "none", "unsure"
TOGGLE_PREFIX = "t"


@dataclass(frozen=True)
class Item:
    """One checkbox: the answer key it sets, its label and an optional short note."""

    key: str
    label: str
    note: str = ""


@dataclass(frozen=True)
class Checklist:
    """A checklist message and its ticks so far."""

    q: str
    legend: str
    items: Tuple[Item, ...]
    done_title: str
    none_title: str
    none_payload: str
    unsure_title: str
    unsure_payload: str
    ticked: Tuple[bool, ...] = ()
    hint: str = ""
    """What to do when Done is tapped with nothing ticked, in the conversation's language (the block's `hint`)."""

    @classmethod
    def from_custom(cls, custom: Any) -> Optional["Checklist"]:
        """The checklist in a Rasa ``custom`` block, or None when there is none (or it is malformed)."""
        block = custom.get(CHECKLIST) if isinstance(custom, Mapping) else None
        if block is None:
            return None
        try:
            items = tuple(Item(str(i["key"]), str(i["label"]), str(i.get("note") or "")) for i in block["items"])
            if not items:
                raise ValueError("no items")
            return cls(
                q=str(block["q"]),
                legend=str(block["legend"]),
                items=items,
                done_title=str(block["done"]["title"]),
                none_title=str(block["none"]["title"]),
                none_payload=str(block["none"]["payload"]),
                unsure_title=str(block["unsure"]["title"]),
                unsure_payload=str(block["unsure"]["payload"]),
                ticked=(False,) * len(items),
                hint=str(block.get("hint") or ""),
            )
        except (KeyError, TypeError, ValueError) as error:
            logger.warning("telegram: malformed checklist block (%s); showing its text instead", type(error).__name__)
            return None

    @classmethod
    def from_record(cls, record: Record) -> "Checklist":
        fields = {**record["checklist"]}
        fields["items"] = tuple(Item(**item) for item in fields["items"])
        fields["ticked"] = tuple(fields["ticked"])
        return cls(**fields)

    def to_record(self) -> Record:
        return {"kind": CHECKLIST, "checklist": asdict(self)}

    # -- taps --------------------------------------------------------------------------

    def toggled(self, data: Optional[str]) -> Optional["Checklist"]:
        """The checklist after tapping this item button, or None when the data is not one."""
        index = _toggle_index(data, len(self.items))
        if index is None:
            return None
        ticked = list(self.ticked)
        ticked[index] = not ticked[index]
        return replace(self, ticked=tuple(ticked))

    def done_without_ticks(self, data: Optional[str]) -> bool:
        """Done tapped with nothing ticked: nothing is sent, the patient is told what to do."""
        return data == DONE and not any(self.ticked)

    def outcome(self, data: Optional[str]) -> Optional[Tuple[str, str]]:
        """(payload for Rasa, what the patient chose) for Done / None / Not sure, else None."""
        if data == DONE:
            keys = [item.key for item, on in zip(self.items, self.ticked) if on]
            if not keys:
                return None
            labels = "\n".join(f"{CHOSEN} {item.label}" for item, on in zip(self.items, self.ticked) if on)
            return "/answer" + json.dumps({"q": self.q, "yes": keys}, separators=(",", ":")), labels
        if data == NONE:
            return self.none_payload, f"{CHOSEN} {self.none_title}"
        if data == UNSURE:
            return self.unsure_payload, f"{CHOSEN} {self.unsure_title}"
        return None

    @property
    def nothing_ticked_hint(self) -> str:
        return self.hint or f"Tick the ones that apply, or tap {self.none_title}"

    # -- what the patient sees ---------------------------------------------------------------

    @property
    def numbered(self) -> bool:
        """Must the full labels be listed in the text (some button text had to be shortened)?"""
        return any(item_button_text(item, False) != item_button_text(item, False, full=True) for item in self.items)

    def text(self) -> str:
        """The legend, and the full numbered labels when buttons had to shorten them."""
        if not self.numbered:
            return self.legend
        lines = [f"{n}. {item.label}" + (f" ({item.note})" if item.note else "")
                 for n, item in enumerate(self.items, 1)]
        return self.legend + "\n\n" + "\n".join(lines)

    def keyboard(self) -> InlineKeyboardMarkup:
        number = self.numbered
        rows: List[List[InlineKeyboardButton]] = []
        for index, (item, on) in enumerate(zip(self.items, self.ticked)):
            text = item_button_text(item, on, index + 1 if number else None)
            rows.append([InlineKeyboardButton(text, callback_data=f"{TOGGLE_PREFIX}{index}")])
        rows.append([InlineKeyboardButton(self.done_title, callback_data=DONE)])
        rows.append(
            [
                InlineKeyboardButton(self.none_title, callback_data=NONE),
                InlineKeyboardButton(self.unsure_title, callback_data=UNSURE),
            ]
        )
        return InlineKeyboardMarkup(rows)

    def answered_text(self, chosen: str) -> str:
        """The message once answered: the legend and what was chosen, no keyboard."""
        return f"{self.legend}\n\n{chosen}"


def item_button_text(item: Item, ticked: bool, number: Optional[int] = None, full: bool = False) -> str:
    """ "☐ <label> (<note>)" in at most BUTTON_WIDTH characters (unless ``full``)."""
    prefix = f"{TICKED if ticked else UNTICKED} " + (f"{number}. " if number is not None else "")
    note = f" ({item.note if full else shorten(item.note, NOTE_WIDTH)})" if item.note else ""
    label = item.label if full else shorten(item.label, BUTTON_WIDTH - len(prefix) - len(note))
    return prefix + label + note


def shorten(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, cut at a word boundary with "…" when too long."""
    if len(text) <= limit:
        return text
    cut = " ".join(text.split())[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…"


def _toggle_index(data: Optional[str], count: int) -> Optional[int]:
    if not data or not data.startswith(TOGGLE_PREFIX) or not data[1:].isdecimal():
        return None
    index = int(data[1:])
    return index if index < count else None


def is_checklist(record: Optional[Record]) -> bool:
    return record is not None and record.get("kind") == CHECKLIST
