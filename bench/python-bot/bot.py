"""The smallest honest LINE bot on LINE's official Python SDK, for load
comparisons with leakguard (README, "Webhook load").

It does what any guard bot must do per webhook and nothing more:
verify ``x-line-signature`` and parse the events with the SDK's
``WebhookParser`` (line-bot-sdk v3), then scan each text message with one
pyahocorasick automaton over every keyword of leakguard's pattern packs.
It keeps nothing (no database, no outbox) and sends nothing, so it is an
upper bound for a Python bot, not a rival product.

Run it with ``bench/python-bot/run.sh``; the channel secret comes from
``LINE_CHANNEL_SECRET``.
"""

import os
import pathlib
import tomllib

import ahocorasick
from fastapi import FastAPI, Header, HTTPException, Request
from fastapi.responses import PlainTextResponse
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.webhooks import MessageEvent, TextMessageContent

PATTERNS = pathlib.Path(__file__).resolve().parents[2] / "patterns"


def keywords():
    """Every keyword and negative term of the packs, as leakguard loads them."""
    for pack in sorted(PATTERNS.glob("*.toml")):
        data = tomllib.loads(pack.read_text(encoding="utf-8"))
        for neg in data.get("negative", []):
            yield from neg.get("terms", [])
        for rule in data.get("rules", []):
            for group in rule.get("keywords", []):
                yield from group.get("terms", [])


automaton = ahocorasick.Automaton()
for term in set(keywords()):
    automaton.add_word(term, term)
automaton.make_automaton()

parser = WebhookParser(os.environ["LINE_CHANNEL_SECRET"])
app = FastAPI()
hits = 0


@app.post("/webhook/line", response_class=PlainTextResponse)
async def webhook(request: Request, x_line_signature: str = Header(default="")):
    global hits
    body = (await request.body()).decode("utf-8")
    try:
        events = parser.parse(body, x_line_signature)
    except InvalidSignatureError:
        raise HTTPException(status_code=401, detail="invalid signature")
    for event in events:
        if isinstance(event, MessageEvent) and isinstance(event.message, TextMessageContent):
            hits += sum(1 for _ in automaton.iter(event.message.text.upper()))
    return "ok\n"
