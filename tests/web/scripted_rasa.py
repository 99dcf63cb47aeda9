"""A Sanic server with a real socket.io channel and a scripted bot instead of Rasa's model.

Widget behaviour that the real conversation cannot provoke on demand (HTML in a
reply, a slow reply, counting how often a message arrived) is tested against
this server. The channel is loaded from a credentials file the way ``rasa run``
loads it, and the bot answers through the channel's real output channel.

"/checklist" is answered with a checklist message built as the interview's message
contract describes it (text, buttons and a custom block; docs/widget.md) and sent
through ``send_response``, the call Rasa's processor makes for a bot message;
"/broken-checklist" sends one whose block lacks its "none" button.

Run: python tests/web/scripted_rasa.py PORT CREDENTIALS_YML [--cors ORIGIN]
GET /test/received lists what reached the bot: [{session_id, text, message_id}].
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import TYPE_CHECKING, Any, Dict, List, Tuple

if TYPE_CHECKING:  # Rasa is imported only when serving: tests import the script's texts quickly
    from rasa.core.channels.channel import UserMessage
    from sanic import Sanic

GREETING = "Hi, I'm the clinic's virtual assistant. I'm not a doctor."
BUTTONS = [{"title": "Yes, go on", "payload": "/affirm"}, {"title": "No thanks", "payload": "/deny"}]
LINK_REPLY = "Read https://example.test/gait?a=1&b=2 or [our locations](https://example.test/where)."
CHECKLIST_ID = "red_flags"
CHECKLIST_LEGEND = "Do you have any of these?"
CHECKLIST_ITEMS: List[Tuple[str, str, str]] = [  # key, label, note
    ("rf_bladder_bowel", "New trouble controlling your bladder or bowels", ""),
    ("rf_numb_saddle", "Numbness between your legs or around your bottom", "you said no"),
    ("rf_fever", "A fever, or feeling hot and shivery", ""),
]


def answer_payload(question_id: str, **answer: Any) -> str:
    """An answer as contract.md writes it: compact JSON, "q" first."""
    return "/answer" + json.dumps({"q": question_id, **answer}, separators=(",", ":"))


def checklist_message(
    question_id: str, legend: str, items: List[Tuple[str, str, str]]
) -> Dict[str, Any]:
    """A checklist bot message as Rasa's processor hands it to a channel (BotUttered.message())."""
    numbered = "\n".join(f"{number}. {label}" for number, (_, label, _) in enumerate(items, 1))
    hint = 'Reply with the numbers that apply, e.g. "1 and 3", or "none".'
    none = {"title": "None of these", "payload": answer_payload(question_id, none=True)}
    unsure = {"title": "Not sure", "payload": answer_payload(question_id, unsure=True)}
    custom = {
        "checklist": {
            "q": question_id,
            "legend": legend,
            "items": [{"key": key, "label": label, "note": note} for key, label, note in items],
            "done": {"title": "Done"},
            "none": none,
            "unsure": unsure,
        }
    }
    return {
        "text": f"{legend}\n{numbered}\n{hint}",
        "buttons": [none, unsure],
        "custom": custom,
        "elements": None,
        "quick_replies": None,
        "image": None,
        "attachment": None,
    }


SPANISH_REPLY = "Hola. ¿Le duele la espalda o la rodilla?"
SPANISH_BUTTONS = [{"title": "La rodilla", "payload": "/affirm"}, {"title": "No estoy seguro", "payload": "/deny"}]


class ScriptedAgent:
    """Answers like a tiny bot and remembers every message it was given."""

    def __init__(self) -> None:
        self.received: List[Dict[str, Any]] = []

    async def handle_message(self, message: UserMessage) -> None:
        """Reply through the channel's output, as Rasa's agent does."""
        self.received.append(
            {
                "session_id": message.sender_id,
                "text": message.text,
                "message_id": (message.metadata or {}).get("message_id"),
                "language": (message.metadata or {}).get("language"),
            }
        )
        out, to = message.output_channel, message.sender_id
        text = message.text or ""
        if text == "/slow":
            await asyncio.sleep(2)
            await out.send_text_message(to, "Sorry for the wait.")
        elif text == "/greet":
            await out.send_text_message(to, GREETING)
            await out.send_text_with_buttons(to, "Shall we begin?", BUTTONS)
        elif text == "/link":
            await out.send_text_message(to, LINK_REPLY)
        elif text in ("/checklist", "/broken-checklist"):
            checklist = checklist_message(CHECKLIST_ID, CHECKLIST_LEGEND, CHECKLIST_ITEMS)
            if text == "/broken-checklist":  # what a channel must survive: a block without its payloads
                del checklist["custom"]["checklist"]["none"]
            await out.send_response(to, checklist)
        elif text == "/espanol":  # a reply that says its language, as the action server's do
            await out.send_response(to, {"text": SPANISH_REPLY, "buttons": SPANISH_BUTTONS, "language": "es"})
        elif text == "/restart":
            await out.send_text_message(to, "Restarted.")
        else:
            await out.send_text_message(to, f"You said: {text}")


def build_app(credentials_file: str, cors: str | None) -> Sanic:
    """A Sanic app wired like ``rasa run`` for the channels in the credentials file."""
    import rasa.core.channels.channel
    from rasa.core.run import create_http_input_channels
    from rasa.server import configure_cors
    from sanic import Sanic, response

    app = Sanic("scripted_rasa")
    if cors is not None:
        configure_cors(app, cors)
    agent = ScriptedAgent()
    app.ctx.agent = agent
    rasa.core.channels.channel.register(
        create_http_input_channels(None, credentials_file), app, route="/webhooks/"
    )

    @app.get("/test/received")
    async def received(_: Any) -> response.HTTPResponse:
        return response.json(agent.received)

    return app


def main() -> None:
    """Serve on loopback until terminated."""
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("credentials")
    parser.add_argument("--cors", default=None)
    args = parser.parse_args()
    app = build_app(args.credentials, args.cors)
    app.run(host="127.0.0.1", port=args.port, access_log=False, motd=False)


if __name__ == "__main__":
    main()
