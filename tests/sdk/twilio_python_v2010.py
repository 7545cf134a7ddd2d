#!/usr/bin/env python3
"""Drive the emulator generated from Twilio's core API (api_v2010) with
Twilio's official Python SDK, as a new user would: Messages, Calls,
IncomingPhoneNumbers, Queues, subaccounts, Applications and Addresses.

Usage: python twilio_python_v2010.py BASE_URL ACCOUNT_SID AUTH_TOKEN

Every check prints one line, "ok    ..." or "FAIL  ...", and a failing check
does not stop the run. The last line is the summary; the exit status is 0
only if every check passed.

The SDK is pointed at BASE_URL through the Api domain's `base_url` attribute;
nothing in its HTTP layer is replaced.
"""

import logging
import re
import secrets
import sys
import traceback
from datetime import datetime
from typing import Any, Callable, List
from urllib.parse import parse_qs, urlparse

import twilio
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

MESSAGES = 60
TAG = "v2010-" + secrets.token_hex(3)


class Results:
    def __init__(self) -> None:
        self.passed = 0
        self.failures: List[str] = []

    def check(self, label: str, ok: bool, detail: str = "") -> bool:
        print(("ok    " if ok else "FAIL  ") + label + ("" if ok or not detail else f": {detail}"), flush=True)
        if ok:
            self.passed += 1
        else:
            self.failures.append(label)
        return ok

    def call(self, label: str, fn: Callable[[], Any], quiet: bool = False) -> Any:
        """One SDK call that must succeed; None (and a FAIL line) if it raised.
        A quiet call says only when it fails."""
        try:
            value = fn()
        except Exception as e:  # noqa: BLE001 - every failure is reported, never fatal
            self.check(label, False, describe(e))
            traceback.print_exc(file=sys.stdout)
            return None
        if not quiet:
            self.check(label, True)
        return value

    def error(self, label: str, status: int, code: int, fn: Callable[[], Any]) -> None:
        try:
            value = fn()
        except TwilioRestException as e:
            self.check(label, e.status == status and e.code == code, describe(e))
            return
        except Exception as e:  # noqa: BLE001
            self.check(label, False, describe(e))
            return
        self.check(label, False, f"succeeded with {value!r}")


def describe(e: BaseException) -> str:
    if isinstance(e, TwilioRestException):
        return f"TwilioRestException status {e.status} code {e.code} ({e.msg})"
    return f"{type(e).__name__}: {e}"


class RequestLog(logging.Handler):
    """The request lines twilio-python logs on 'twilio.http_client'."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.requests: List[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        m = re.match(r"^(GET|POST|DELETE) Request: (\S+)$", record.getMessage())
        if m:
            self.requests.append(f"{m.group(1)} {m.group(2)}")

    def since(self, mark: int) -> List[str]:
        return self.requests[mark:]


def messages(r: Results, client: Client, log: RequestLog) -> None:
    print("== messages", flush=True)
    # In a subaccount of this run's own (credentials of the parent reach it,
    # as on Twilio): runs against one emulator do not see each other's.
    sub = r.call("accounts.create (for this run's messages)",
                 lambda: client.api.v2010.accounts.create(friendly_name=f"{TAG} messages"))
    if sub is None:
        return
    account = sub.sid
    on = client.api.v2010.accounts(account)
    created = []
    for i in range(MESSAGES):
        m = r.call(f"messages.create #{i}", lambda i=i: on.messages.create(
            to="+15558675310", from_="+15017122661", body=f"{TAG} message {i}"), quiet=i > 0)
        if m is not None:
            created.append(m)
    r.check(f"{MESSAGES} messages created", len(created) == MESSAGES, f"{len(created)}")
    first = created[0]
    r.check("a message's SID is SM...", bool(re.match(r"^SM[0-9a-f]{32}$", first.sid)), first.sid)
    r.check("a message's account is the caller's", first.account_sid == account, first.account_sid)
    r.check("a message keeps what was sent", (first.to, first.from_, first.body)
            == ("+15558675310", "+15017122661", f"{TAG} message 0"), repr((first.to, first.from_, first.body)))
    r.check("its dates read as dates (RFC 2822 on the wire)", isinstance(first.date_created, datetime), repr(first.date_created))
    r.check("its uri is its path", first.uri == f"/2010-04-01/Accounts/{account}/Messages/{first.sid}.json", repr(first.uri))
    media = (first.subresource_uris or {}).get("media")
    r.check("its subresource_uris name its media", media == f"/2010-04-01/Accounts/{account}/Messages/{first.sid}/Media.json", repr(media))

    # Paging the 2010 way: pages linked by next_page_uri, followed by the SDK.
    mark = len(log.requests)
    listed = r.call("messages.list(limit=60, page_size=25)", lambda: on.messages.list(limit=MESSAGES, page_size=25))
    requests = log.since(mark)
    if listed is not None:
        r.check("60 messages listed", len(listed) == MESSAGES, f"{len(listed)}")
        r.check("over three pages", len(requests) == 3, "\n".join(requests))
        queries = [parse_qs(urlparse(q.split(" ", 1)[1]).query) for q in requests]
        r.check("each asking 25 a page", all(q.get("PageSize") == ["25"] for q in queries), repr(queries))
        r.check("the later pages by token", all("PageToken" in q for q in queries[1:]), repr(queries))
        ours = [m.sid for m in listed]
        r.check("every message once", sorted(ours) == sorted(m.sid for m in created), "")
    limited = r.call("messages.list(limit=7)", lambda: on.messages.list(limit=7))
    if limited is not None:
        r.check("limit 7 gives 7", len(limited) == 7, f"{len(limited)}")
    page = r.call("messages.page(page_size=20)", lambda: on.messages.page(page_size=20))
    if page is not None:
        records = list(page)
        r.check("a page of 20", len(records) == 20, f"{len(records)}")
        following = r.call("page.next_page()", lambda: page.next_page())
        if following is not None:
            r.check("the next page holds the next 20", len(list(following)) == 20
                    and not {m.sid for m in following} & {m.sid for m in records}, "")
    streamed = r.call("messages.stream(page_size=50)", lambda: list(on.messages.stream(page_size=50)))
    if streamed is not None:
        r.check("stream gives every message", len(streamed) == MESSAGES, f"{len(streamed)}")
    to_one = r.call("messages.list(to=...)", lambda: on.messages.list(to="+15558675310", limit=3))
    if to_one is not None:
        r.check("a filtered list answers", len(to_one) == 3, f"{len(to_one)}")

    fetched = r.call("messages(SID).fetch", lambda: on.messages(first.sid).fetch())
    if fetched is not None:
        r.check("fetched as created", (fetched.sid, fetched.body) == (first.sid, first.body), repr(fetched.body))
    redacted = r.call("messages(SID).update(body='') redacts", lambda: on.messages(first.sid).update(body=""))
    if redacted is not None:
        r.check("the body is gone", redacted.body == "", repr(redacted.body))
        again = r.call("messages(SID).fetch after redaction", lambda: on.messages(first.sid).fetch())
        if again is not None:
            r.check("still gone when fetched", again.body == "", repr(again.body))
    r.check("messages(SID).delete", r.call("delete", lambda: on.messages(first.sid).delete()) is True)
    r.error("a deleted message is 404 (20404)", 404, 20404, lambda: on.messages(first.sid).fetch())
    r.error("an unknown message is 404", 404, 20404,
            lambda: on.messages("SM" + "0" * 32).fetch())


def calls(r: Results, client: Client) -> None:
    print("== calls", flush=True)
    call = r.call("calls.create", lambda: client.calls.create(
        to="+15558675310", from_="+15017122661", url="http://demo.twilio.com/docs/voice.xml"))
    if call is None:
        return
    r.check("a call's SID is CA...", bool(re.match(r"^CA[0-9a-f]{32}$", call.sid)), call.sid)
    listed = r.call("calls.list", lambda: client.calls.list(limit=20))
    if listed is not None:
        r.check("the call is listed", call.sid in [c.sid for c in listed], "")
    fetched = r.call("calls(SID).fetch", lambda: client.calls(call.sid).fetch())
    if fetched is not None:
        r.check("fetched as created", fetched.to == "+15558675310", repr(fetched.to))
    ended = r.call("calls(SID).update(status='completed')", lambda: client.calls(call.sid).update(status="completed"))
    if ended is not None:
        r.check("the call is completed", ended.status == "completed", repr(ended.status))


def numbers_and_queues(r: Results, client: Client) -> None:
    print("== incoming phone numbers and queues", flush=True)
    number = r.call("incoming_phone_numbers.create", lambda: client.incoming_phone_numbers.create(
        phone_number="+15017122661", friendly_name=f"{TAG} number"))
    numbers = r.call("incoming_phone_numbers.list", lambda: client.incoming_phone_numbers.list(limit=50))
    if number is not None and numbers is not None:
        r.check("the number is listed", number.sid in [n.sid for n in numbers], "")
        r.check("a number's SID is PN...", number.sid.startswith("PN"), number.sid)
    queue = r.call("queues.create", lambda: client.queues.create(friendly_name=f"{TAG} queue"))
    if queue is None:
        return
    queues = r.call("queues.list", lambda: client.queues.list(limit=50))
    if queues is not None:
        r.check("the queue is listed", queue.sid in [q.sid for q in queues], "")
    renamed = r.call("queues(SID).update", lambda: client.queues(queue.sid).update(friendly_name=f"{TAG} renamed", max_size=10))
    if renamed is not None:
        r.check("the queue is renamed", (renamed.friendly_name, renamed.max_size) == (f"{TAG} renamed", 10),
                repr((renamed.friendly_name, renamed.max_size)))
    r.check("queues(SID).delete", r.call("delete", lambda: client.queues(queue.sid).delete()) is True)
    r.error("a deleted queue is 404", 404, 20404, lambda: client.queues(queue.sid).fetch())


def accounts(r: Results, client: Client, account: str) -> None:
    print("== accounts", flush=True)
    own = r.call("accounts(own).fetch", lambda: client.api.v2010.accounts(account).fetch())
    if own is not None:
        r.check("the caller's account is a record", (own.sid, own.status) == (account, "active"), repr((own.sid, own.status)))
    sub = r.call("accounts.create (a subaccount)", lambda: client.api.v2010.accounts.create(friendly_name=f"{TAG} sub"))
    if sub is None:
        return
    r.check("a subaccount's SID is AC...", bool(re.match(r"^AC[0-9a-f]{32}$", sub.sid)), sub.sid)
    r.check("it is owned by the caller", sub.owner_account_sid == account, repr(sub.owner_account_sid))
    listed = r.call("accounts.list", lambda: client.api.v2010.accounts.list(limit=50))
    if listed is not None:
        sids = [a.sid for a in listed]
        r.check("the subaccount and the caller's own are listed", sub.sid in sids and account in sids, repr(sids))
    fetched = r.call("accounts(SID).fetch", lambda: client.api.v2010.accounts(sub.sid).fetch())
    if fetched is not None:
        r.check("fetched as created", fetched.friendly_name == f"{TAG} sub", repr(fetched.friendly_name))


def applications_and_addresses(r: Results, client: Client) -> None:
    print("== applications and addresses", flush=True)
    app = r.call("applications.create", lambda: client.applications.create(friendly_name=f"{TAG} app", voice_url="https://example.com/voice"))
    apps = r.call("applications.list", lambda: client.applications.list(limit=50))
    if app is not None and apps is not None:
        r.check("the application is listed", app.sid in [a.sid for a in apps], "")
        r.check("it keeps its voice URL", app.voice_url == "https://example.com/voice", repr(app.voice_url))
    address = r.call("addresses.create", lambda: client.addresses.create(
        customer_name=f"{TAG} customer", street="1 Main St", city="Springfield", region="IL",
        postal_code="62701", iso_country="US"))
    addresses = r.call("addresses.list", lambda: client.addresses.list(limit=50))
    if address is not None and addresses is not None:
        r.check("the address is listed", address.sid in [a.sid for a in addresses], "")
        r.check("it keeps its city", address.city == "Springfield", repr(address.city))


def main() -> int:
    base_url, account, token = sys.argv[1:4]
    client = Client(account, token)
    # The Api domain serves the whole 2010 API.
    client.api.base_url = base_url
    log = RequestLog()
    sdk_log = logging.getLogger("twilio.http_client")
    sdk_log.setLevel(logging.INFO)
    sdk_log.addHandler(log)
    r = Results()
    for part in (lambda: messages(r, client, log), lambda: calls(r, client),
                 lambda: numbers_and_queues(r, client), lambda: accounts(r, client, account),
                 lambda: applications_and_addresses(r, client)):
        try:
            part()
        except Exception as e:  # noqa: BLE001
            r.check("a part of the run", False, describe(e))
            traceback.print_exc(file=sys.stdout)
    if r.failures:
        print(f"== {len(r.failures)} failure(s):", flush=True)
        for failure in r.failures:
            print(f"FAIL  {failure}", flush=True)
    print(f"twilio-python {twilio.__version__} against api_v2010: {r.passed} checks ok, {len(r.failures)} failed", flush=True)
    return 0 if not r.failures else 1


if __name__ == "__main__":
    sys.exit(main())
