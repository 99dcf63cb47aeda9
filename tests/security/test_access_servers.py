"""The servers behind the channels: the action server and Rasa's HTTP API refuse calls
without their tokens, listen on loopback only, and no secret is on a command line."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Set

import pytest
import requests

from bot.launcher import SECRET_VARIABLES
from tests.security.conftest import new_sender, stored_events

pytestmark = pytest.mark.e2e

CANARY = "zebracanary"


def action_call(sender: str, action: str = "action_forget_me") -> Dict[str, Any]:
    """A call as Rasa makes it, for an action that would erase a sender's records."""
    return {"next_action": action, "sender_id": sender, "version": "3.6.21", "domain": {},
            "tracker": {"sender_id": sender, "slots": {}, "latest_message": {"text": CANARY}, "events": [],
                        "active_loop": {}, "latest_action_name": None}}


@pytest.mark.parametrize("params", [{}, {"token": "wrong"}])
def test_the_action_server_refuses_calls_without_its_token(rasa_stack: Any, params: Dict[str, str]) -> None:
    sender = new_sender()
    rasa_stack.say(sender, "hi")
    events_before = stored_events(rasa_stack, sender)

    run = requests.post(f"{rasa_stack.action_url}/webhook", json=action_call(sender), params=params, timeout=30)
    listing = requests.get(f"{rasa_stack.action_url}/actions", params=params, timeout=30)

    assert (run.status_code, listing.status_code) == (401, 401)
    assert CANARY not in run.text
    assert requests.get(f"{rasa_stack.action_url}/health", timeout=30).status_code == 200
    assert stored_events(rasa_stack, sender) == events_before


def test_the_action_server_never_echoes_the_request_body(rasa_stack: Any) -> None:
    token = rasa_stack.env["ACTION_SERVER_TOKEN"]
    broken = {"next_action": "action_interview", "tracker": CANARY, "domain": {}, "version": "3.6.21"}

    reply = requests.post(f"{rasa_stack.action_url}/webhook", json=broken, params={"token": token}, timeout=30)

    assert reply.status_code >= 400
    assert CANARY not in reply.text


@pytest.mark.parametrize("params, headers", [({}, {}), ({"token": "wrong"}, {}),
                                             ({}, {"Authorization": "Bearer wrong"})])
def test_rasa_api_refuses_a_missing_or_wrong_token(rasa_stack: Any, params: Dict[str, str],
                                                   headers: Dict[str, str]) -> None:
    sender = new_sender()
    rasa_stack.say(sender, "hi")
    before = stored_events(rasa_stack, sender)
    base = f"{rasa_stack.rasa_url}/conversations/{sender}"

    read = requests.get(f"{base}/tracker", params=params, headers=headers, timeout=30)
    write = requests.post(f"{base}/messages", json={"text": "hello", "sender": "user"}, params=params,
                          headers=headers, timeout=30)
    erase = requests.put(f"{base}/tracker/events", json=[], params=params, headers=headers, timeout=30)

    assert [read.status_code, write.status_code, erase.status_code] == [401, 401, 401]
    assert "hi" not in read.text
    assert stored_events(rasa_stack, sender) == before


def listening_addresses(ports: Set[int]) -> Dict[int, List[str]]:
    """Local addresses listening on the given TCP ports, from /proc/net/tcp and tcp6."""
    found: Dict[int, List[str]] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if fields[3] == "0A" and int(port_hex, 16) in ports:  # 0A: LISTEN
                found.setdefault(int(port_hex, 16), []).append(address)
    return found


def test_rasa_and_the_action_server_listen_on_loopback_only(rasa_stack: Any) -> None:
    ports = {int(rasa_stack.env["RASA_PORT"]), int(rasa_stack.env["ACTION_PORT"])}

    found = listening_addresses(ports)

    assert set(found) == ports
    assert all(address == "0100007F" for addresses in found.values() for address in addresses), found


def processes_of(pid: int) -> List[int]:
    """pid and its descendants."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    kids = [int(child) for child in children.read_text().split()] if children.exists() else []
    return [pid] + [grandchild for kid in kids for grandchild in processes_of(kid)]


def test_no_service_has_a_secret_on_its_command_line_and_each_has_only_its_own(rasa_stack: Any) -> None:
    secrets = {name: rasa_stack.env[name] for name in SECRET_VARIABLES if rasa_stack.env.get(name)}
    assert {"RASA_AUTH_TOKEN", "ACTION_SERVER_TOKEN", "WIDGET_SESSION_SECRET"} <= set(secrets)
    given: Dict[str, Set[str]] = {}

    for service in rasa_stack.stack.services:
        for pid in processes_of(service.process.pid):
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
            leaked = [name for name, value in secrets.items() if value in cmdline]
            assert leaked == [], f"{service.name} (pid {pid}) has {leaked} on its command line"
        environ = Path(f"/proc/{service.process.pid}/environ").read_bytes().split(b"\0")
        names = {item.split(b"=", 1)[0].decode() for item in environ if b"=" in item}
        given[service.name] = names & set(secrets)

    assert given["actions"] == {"ACTION_SERVER_TOKEN"}
    assert "RASA_AUTH_TOKEN" in given["rasa"] and "STAFF_API_TOKEN" not in given["rasa"]
    assert secrets["ACTION_SERVER_TOKEN"] not in (rasa_stack.tmp / "endpoints.yml").read_text()
