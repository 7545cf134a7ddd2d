#!/usr/bin/env python3
"""Drive the Users emulator with Twilio's official Python SDK, as a new user would.

Usage: python twilio_python.py BASE_URL ACCOUNT_SID AUTH_TOKEN

Calls all 15 Users operations through the SDK's ordinary resource API
(chat v2 service users, conversations v1 users, conversations v1 service users),
checks paging (list / stream / page / next_page across the spec's page-size
maximum) and the emulator's fidelity to Twilio (default role and attributes,
the default conversations service, one user store shared by chat and
conversations, identity lookups, 404 / 409 / 400 errors, absolute URLs).

Every check prints one line: "ok    ..." or "FAIL  ...". A failing check does
not stop the run. The last line is the summary; the exit status is 0 only if
every operation, paging check and fidelity check passed.

The SDK is pointed at BASE_URL through each domain's `base_url` attribute
(twilio.base.domain.Domain.base_url, set by the domain's constructor and read
by Domain.absolute_url for every request); nothing in the HTTP layer is
replaced or patched.
"""

import logging
import re
import secrets
import sys
import traceback
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import parse_qs, urlparse

import twilio
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

SERVICE = "IS00000000000000000000000000000001"
# Runs may repeat against one emulator: identities carry a per-run tag, and the
# extra services (whose contents are counted) are fresh random SIDs.
TAG = "sdk" + secrets.token_hex(3)
SERVICE_B = "IS" + secrets.token_hex(16)  # check a: a second service's default role
PAGING_CONV = "IS" + secrets.token_hex(16)  # paging: conversations v1 (max 50 a page)
PAGING_CHAT = "IS" + secrets.token_hex(16)  # paging: chat v2 (max 100 a page)
PAGING_COUNT = 60

RL_SID = re.compile(r"^RL[0-9a-f]{32}$")
IS_SID = re.compile(r"^IS[0-9a-f]{32}$")
US_SID = re.compile(r"^US[0-9a-f]{32}$")

# The 15 operations, by the SDK call that performs them.
OPERATIONS = [
    f"chat.v2.services(IS).users.{verb}" for verb in ("create", "list", "fetch", "update", "delete")
] + [
    f"conversations.v1.users.{verb}" for verb in ("create", "list", "fetch", "update", "delete")
] + [
    f"conversations.v1.services(IS).users.{verb}"
    for verb in ("create", "list", "fetch", "update", "delete")
]


class Results:
    def __init__(self) -> None:
        self.op_ok: Dict[str, bool] = {}  # op -> every call so far succeeded
        self.counts = {"paging": [0, 0], "fidelity": [0, 0]}  # kind -> [ok, failed]
        self.failures: List[str] = []

    def _line(self, ok: bool, text: str) -> None:
        print(("ok    " if ok else "FAIL  ") + text, flush=True)
        if not ok:
            self.failures.append(text)

    def op(self, name: str, fn: Callable[[], Any]) -> Any:
        """Run one of the 15 operations; None (and a FAIL line) if it raised."""
        assert name in OPERATIONS, name
        try:
            value = fn()
        except Exception as e:  # noqa: BLE001 - any failure is reported, never fatal
            self.op_ok[name] = False
            self._line(False, f"[operation] {name}: raised {describe(e)}")
            return None
        if name not in self.op_ok:
            self._line(True, f"[operation] {name}")
            self.op_ok[name] = True
        return value

    def not_run(self, name: str, why: str) -> None:
        self.op_ok[name] = False
        self._line(False, f"[operation] {name}: not run ({why})")

    def check(self, kind: str, label: str, ok: bool, detail: str = "") -> bool:
        self.counts[kind][0 if ok else 1] += 1
        self._line(ok, f"[{kind}] {label}" + ("" if ok or not detail else f": {detail}"))
        return ok

    def crashed(self, kind: str, label: str, e: BaseException) -> None:
        self.check(kind, label, False, f"raised {describe(e)}")
        traceback.print_exc(file=sys.stdout)

    def ops_passed(self) -> int:
        return sum(1 for name in OPERATIONS if self.op_ok.get(name) is True)


def describe(e: BaseException) -> str:
    if isinstance(e, TwilioRestException):
        return f"TwilioRestException status {e.status} code {e.code} ({e.msg})"
    return f"{type(e).__name__}: {e}"


def expect_error(r: Results, kind: str, label: str, status: int, fn: Callable[[], Any]) -> None:
    """Check that fn raises TwilioRestException with the given HTTP status."""
    try:
        value = fn()
    except TwilioRestException as e:
        r.check(kind, label, e.status == status, f"expected status {status}, got {describe(e)}")
        return
    except Exception as e:  # noqa: BLE001
        r.check(kind, label, False, f"expected TwilioRestException status {status}, got {describe(e)}")
        return
    r.check(kind, label, False, f"expected TwilioRestException status {status}, call succeeded and returned {short(value)}")


def short(value: Any) -> str:
    if hasattr(value, "sid"):
        return f"{type(value).__name__}(sid={value.sid!r})"
    return repr(value)[:120]


class RequestLog(logging.Handler):
    """Collects the request lines twilio-python logs on 'twilio.http_client' (its own logging)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.requests: List[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        m = re.match(r"^(GET|POST|DELETE) Request: (\S+)$", message)
        if m:
            self.requests.append(f"{m.group(1)} {m.group(2)}")

    def mark(self) -> int:
        return len(self.requests)

    def since(self, mark: int) -> List[str]:
        return self.requests[mark:]


def page_size_of(request: str) -> Optional[str]:
    query = parse_qs(urlparse(request.split(" ", 1)[1]).query)
    return query.get("PageSize", [None])[0]


# ---------------------------------------------------------------------------
# The 15 operations, with the per-collection fidelity checks e, f, g
# ---------------------------------------------------------------------------


def exercise(r: Results, base_url: str, prefix: str, users, who: str) -> None:
    """create / list / fetch / update / delete on one Users collection (a ListResource)."""
    identity = f"{TAG}-{who}-alice"
    created = r.op(
        f"{prefix}.create",
        lambda: users.create(identity=identity, friendly_name="Alice", attributes='{"team":"blue"}'),
    )
    if created is None:
        for verb in ("list", "fetch", "update", "delete"):
            r.not_run(f"{prefix}.{verb}", "create failed")
        return
    r.check(
        "fidelity",
        f"{prefix}.create echoes identity, friendly_name, attributes and a US SID",
        created.identity == identity
        and created.friendly_name == "Alice"
        and created.attributes == '{"team":"blue"}'
        and bool(US_SID.match(created.sid or "")),
        f"got sid={created.sid!r} identity={created.identity!r} "
        f"friendly_name={created.friendly_name!r} attributes={created.attributes!r}",
    )

    # f. the same identity twice in one collection is a conflict
    expect_error(r, "fidelity", f"f. {prefix}.create with an existing identity gives 409", 409,
                 lambda: users.create(identity=identity))

    listed = r.op(f"{prefix}.list", lambda: users.list(limit=500))
    if listed is not None:
        r.check("fidelity", f"{prefix}.list includes the created user",
                created.sid in [u.sid for u in listed],
                f"{created.sid} not among {[u.sid for u in listed]}")

    fetched = r.op(f"{prefix}.fetch", lambda: users(created.sid).fetch())
    if fetched is not None:
        r.check("fidelity", f"e. {prefix}(sid).fetch returns the user",
                fetched.sid == created.sid and fetched.identity == identity,
                f"got sid={fetched.sid!r} identity={fetched.identity!r}")
        # g. absolute URLs name the server they came from
        r.check("fidelity", f"g. {prefix} fetched url starts with BASE_URL",
                isinstance(fetched.url, str) and fetched.url.startswith(base_url),
                f"url={fetched.url!r}, BASE_URL={base_url!r}")
    try:
        by_identity = users(identity).fetch()
        r.check("fidelity", f"e. {prefix}(identity).fetch returns the same user",
                by_identity.sid == created.sid, f"got sid={by_identity.sid!r}, want {created.sid!r}")
    except Exception as e:  # noqa: BLE001
        r.check("fidelity", f"e. {prefix}(identity).fetch returns the same user", False, f"raised {describe(e)}")

    updated = r.op(
        f"{prefix}.update",
        lambda: users(created.sid).update(friendly_name="Alice B", attributes='{"team":"red"}'),
    )
    if updated is not None:
        r.check("fidelity", f"{prefix}.update returns the new values",
                updated.sid == created.sid and updated.friendly_name == "Alice B"
                and updated.attributes == '{"team":"red"}',
                f"got friendly_name={updated.friendly_name!r} attributes={updated.attributes!r}")
        try:
            again = users(identity).fetch()
            r.check("fidelity", f"{prefix}.update is visible to a later fetch",
                    again.friendly_name == "Alice B" and again.attributes == '{"team":"red"}',
                    f"got friendly_name={again.friendly_name!r} attributes={again.attributes!r}")
        except Exception as e:  # noqa: BLE001
            r.check("fidelity", f"{prefix}.update is visible to a later fetch", False, f"raised {describe(e)}")

    deleted = r.op(f"{prefix}.delete", lambda: users(created.sid).delete())
    if deleted is not None:
        r.check("fidelity", f"{prefix}.delete returns True", deleted is True, f"returned {short(deleted)}")
        # e. the second delete, and a fetch, find nothing
        expect_error(r, "fidelity", f"e. {prefix}.delete a second time gives 404", 404,
                     lambda: users(created.sid).delete())
        expect_error(r, "fidelity", f"e. {prefix}.fetch after delete gives 404", 404,
                     lambda: users(identity).fetch())


# ---------------------------------------------------------------------------
# Fidelity checks a-d
# ---------------------------------------------------------------------------


def check_default_role(r: Results, client: Client) -> None:
    """a. a user created without RoleSid gets the service's default role."""
    chat = client.chat.v2.services
    conv = client.conversations.v1

    u1 = chat(SERVICE).users.create(identity=f"{TAG}-role-1")
    u2 = chat(SERVICE).users.create(identity=f"{TAG}-role-2")
    u3 = conv.services(SERVICE).users.create(identity=f"{TAG}-role-3")
    other = chat(SERVICE_B).users.create(identity=f"{TAG}-role-4")
    default_user = conv.users.create(identity=f"{TAG}-role-5")

    for label, u in (("chat v2 service", u1), ("conversations v1 service", u3),
                     ("conversations v1 default service", default_user)):
        r.check("fidelity", f"a. role_sid of a {label} user created without RoleSid is RL + 32 hex",
                bool(RL_SID.match(u.role_sid or "")), f"role_sid={u.role_sid!r}")
    r.check("fidelity", "a. users of the same service get the same default role_sid",
            u1.role_sid is not None and u1.role_sid == u2.role_sid,
            f"{u1.role_sid!r} vs {u2.role_sid!r}")
    r.check("fidelity", "a. the default role_sid is the same through chat v2 and conversations v1 for one service",
            u1.role_sid is not None and u1.role_sid == u3.role_sid,
            f"chat {u1.role_sid!r} vs conversations {u3.role_sid!r}")
    r.check("fidelity", "a. users of different services get different default role_sids",
            u1.role_sid is not None and other.role_sid is not None and u1.role_sid != other.role_sid,
            f"{SERVICE}: {u1.role_sid!r}, {SERVICE_B}: {other.role_sid!r}")

    # An explicit RoleSid is kept (the default role, the one role known to exist).
    if u1.role_sid:
        explicit = chat(SERVICE).users.create(identity=f"{TAG}-role-6", role_sid=u1.role_sid)
        r.check("fidelity", "a. create with role_sid keeps it", explicit.role_sid == u1.role_sid,
                f"role_sid={explicit.role_sid!r}, want {u1.role_sid!r}")
    else:
        r.check("fidelity", "a. create with role_sid keeps it", False, "not checked: no default role_sid to pass")


def check_attributes(r: Results, client: Client) -> None:
    """b. attributes default to "{}" and must be JSON."""
    collections = [
        ("chat.v2.services(IS).users", client.chat.v2.services(SERVICE).users),
        ("conversations.v1.users", client.conversations.v1.users),
        ("conversations.v1.services(IS).users", client.conversations.v1.services(SERVICE).users),
    ]
    for n, (label, users) in enumerate(collections):
        try:
            u = users.create(identity=f"{TAG}-attrs-{n}")
            r.check("fidelity", f'b. {label}: attributes of a user created without Attributes is "{{}}"',
                    u.attributes == "{}", f"attributes={u.attributes!r}")
        except Exception as e:  # noqa: BLE001
            r.crashed("fidelity", f'b. {label}: attributes of a user created without Attributes is "{{}}"', e)
        expect_error(r, "fidelity", f'b. {label}: create with attributes="not json" gives 400', 400,
                     lambda users=users, n=n: users.create(identity=f"{TAG}-badattrs-{n}", attributes="not json"))


def check_default_service(r: Results, client: Client) -> None:
    """c. /v1/Users is the default conversations service's users."""
    identity = f"{TAG}-default-svc"
    u = client.conversations.v1.users.create(identity=identity)
    ok = r.check("fidelity", "c. a conversations.v1.users user has chat_service_sid IS + 32 hex",
                 bool(IS_SID.match(u.chat_service_sid or "")), f"chat_service_sid={u.chat_service_sid!r}")
    if not ok:
        for label in ("conversations.v1.services(chat_service_sid).users(identity)",
                      "chat.v2.services(chat_service_sid).users(identity)"):
            r.check("fidelity", f"c. the same user is at {label}", False, "not checked: no chat_service_sid")
        return
    for label, users in (
        ("conversations.v1.services(chat_service_sid).users(identity)",
         client.conversations.v1.services(u.chat_service_sid).users),
        ("chat.v2.services(chat_service_sid).users(identity)",
         client.chat.v2.services(u.chat_service_sid).users),
    ):
        try:
            same = users(identity).fetch()
            r.check("fidelity", f"c. the same user is at {label}", same.sid == u.sid,
                    f"sid {same.sid!r}, want {u.sid!r}")
        except Exception as e:  # noqa: BLE001
            r.check("fidelity", f"c. the same user is at {label}", False, f"raised {describe(e)}")


def check_shared_store(r: Results, client: Client) -> None:
    """d. chat v2 and conversations v1 service users are one store."""
    chat = client.chat.v2.services(SERVICE).users
    conv = client.conversations.v1.services(SERVICE).users

    def same_record(label: str, created, other_users) -> Optional[Any]:
        try:
            seen = other_users(created.identity).fetch()
        except Exception as e:  # noqa: BLE001
            r.check("fidelity", label, False, f"raised {describe(e)}")
            return None
        r.check("fidelity", label, seen.sid == created.sid, f"sid {seen.sid!r}, want {created.sid!r}")
        return seen

    def visible(label: str, users, identity: str, friendly_name: str) -> None:
        try:
            seen = users(identity).fetch()
            r.check("fidelity", label, seen.friendly_name == friendly_name,
                    f"friendly_name={seen.friendly_name!r}, want {friendly_name!r}")
        except Exception as e:  # noqa: BLE001
            r.check("fidelity", label, False, f"raised {describe(e)}")

    from_chat = chat.create(identity=f"{TAG}-shared-1", friendly_name="made in chat")
    if same_record("d. a chat v2 user is the same record at conversations.v1.services(IS).users(identity)",
                   from_chat, conv):
        chat(from_chat.sid).update(friendly_name="updated in chat")
        visible("d. an update through chat v2 is visible through conversations v1", conv,
                from_chat.identity, "updated in chat")
    else:
        r.check("fidelity", "d. an update through chat v2 is visible through conversations v1", False,
                "not checked: the user is not visible through conversations v1")

    from_conv = conv.create(identity=f"{TAG}-shared-2", friendly_name="made in conversations")
    if same_record("d. a conversations v1 service user is the same record at chat.v2.services(IS).users(identity)",
                   from_conv, chat):
        conv(from_conv.sid).update(friendly_name="updated in conversations")
        visible("d. an update through conversations v1 is visible through chat v2", chat,
                from_conv.identity, "updated in conversations")
        conv(from_conv.sid).delete()
        expect_error(r, "fidelity", "d. a user deleted through conversations v1 is gone from chat v2 (404)", 404,
                     lambda: chat(from_conv.identity).fetch())
    else:
        for label in ("d. an update through conversations v1 is visible through chat v2",
                      "d. a user deleted through conversations v1 is gone from chat v2 (404)"):
            r.check("fidelity", label, False, "not checked: the user is not visible through chat v2")


# ---------------------------------------------------------------------------
# Paging
# ---------------------------------------------------------------------------


def check_paging(r: Results, base_url: str, log: RequestLog, label: str, users, maximum: int) -> None:
    created = set()
    for i in range(PAGING_COUNT):
        created.add(users.create(identity=f"{TAG}-page-{i:02d}").sid)
    r.check("paging", f"{label}: created {PAGING_COUNT} users", len(created) == PAGING_COUNT,
            f"{len(created)} distinct SIDs")

    def same_set(what: str, records) -> None:
        sids = [u.sid for u in records]
        r.check("paging", f"{label}: {what} returns all {PAGING_COUNT}, each once",
                len(sids) == PAGING_COUNT and set(sids) == created,
                f"{len(sids)} records, {len(set(sids))} distinct, {len(set(sids) & created)} of the created")

    mark = log.mark()
    same_set("list(limit=60)", users.list(limit=PAGING_COUNT))
    sent = log.since(mark)
    sizes = [page_size_of(q) for q in sent]
    print(f"info  [paging] {label}: list(limit=60) made {len(sent)} GET request(s); "
          f"PageSize sent by the SDK: {sizes[0] if sizes else None}; then: {sent[1:]}", flush=True)
    r.check("paging", f"{label}: next_page_url requests go to BASE_URL",
            all(q.split(" ", 1)[1].startswith(base_url) for q in sent), f"requests: {sent}")

    same_set("list(limit=60, page_size=7)", users.list(limit=PAGING_COUNT, page_size=7))
    same_set("list() with no limit", users.list())
    same_set("stream(page_size=7)", users.stream(page_size=7))
    streamed = list(users.stream(limit=10, page_size=7))
    r.check("paging", f"{label}: stream(limit=10, page_size=7) stops at 10", len(streamed) == 10,
            f"{len(streamed)} records")

    # page(): PageSize above the maximum is answered with at most the maximum, then next_page().
    page = users.page(page_size=PAGING_COUNT)
    first = list(page)
    r.check("paging", f"{label}: page(page_size=60) answers 1..{maximum} records",
            1 <= len(first) <= maximum, f"{len(first)} records")
    pages, seen = 1, [u.sid for u in first]
    while True:
        page = page.next_page()
        if page is None:
            break
        pages += 1
        seen += [u.sid for u in page]
        if pages > 20:
            break
    r.check("paging", f"{label}: page(page_size=60) then next_page() reach all {PAGING_COUNT} in "
                      f"{-(-PAGING_COUNT // maximum)} page(s)",
            len(seen) == PAGING_COUNT and set(seen) == created and pages == -(-PAGING_COUNT // maximum),
            f"{len(seen)} records ({len(set(seen))} distinct) in {pages} page(s)")

    # Small pages: 8 full pages of 7, a last one of 4, and next_page() is None after it.
    page = users.page(page_size=7)
    counts = [len(list(page))]
    while (page := page.next_page()) is not None and len(counts) < 20:
        counts.append(len(list(page)))
    want = [7] * (PAGING_COUNT // 7) + [PAGING_COUNT % 7]
    r.check("paging", f"{label}: page(page_size=7) + next_page() give pages of {want}", counts == want,
            f"page sizes {counts}")


# ---------------------------------------------------------------------------


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    base_url, account_sid, auth_token = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]

    log = RequestLog()
    http_logger = logging.getLogger("twilio.http_client")
    http_logger.setLevel(logging.INFO)
    http_logger.addHandler(log)
    http_logger.propagate = False

    client = Client(account_sid, auth_token)
    # TWILIO_EDGE / TWILIO_REGION in the environment would rewrite every host name
    # (Client.get_hostname); an emulator on 127.0.0.1 has neither.
    client.edge = None
    client.region = None
    # Each domain's base_url is what Domain.absolute_url joins every request path to.
    client.chat.base_url = base_url
    client.conversations.base_url = base_url
    print(f"info  twilio-python {twilio.__version__} against {base_url} as {account_sid}; "
          f"run tag {TAG}", flush=True)

    r = Results()

    print("== the 15 operations (with checks e, f, g for each collection)", flush=True)
    for prefix, users, who in (
        ("chat.v2.services(IS).users", client.chat.v2.services(SERVICE).users, "chat"),
        ("conversations.v1.users", client.conversations.v1.users, "conv"),
        ("conversations.v1.services(IS).users", client.conversations.v1.services(SERVICE).users, "convsvc"),
    ):
        try:
            exercise(r, base_url, prefix, users, who)
        except Exception as e:  # noqa: BLE001
            r.crashed("fidelity", f"{prefix}: exercising the operations", e)
    for name in OPERATIONS:
        if name not in r.op_ok:
            r.not_run(name, "never reached")

    for title, fn in (
        ("a. default role_sid", check_default_role),
        ("b. attributes", check_attributes),
        ("c. the default conversations service", check_default_service),
        ("d. chat v2 and conversations v1 share users", check_shared_store),
    ):
        print(f"== {title}", flush=True)
        try:
            fn(r, client)
        except Exception as e:  # noqa: BLE001
            r.crashed("fidelity", f"{title}: setup", e)

    print("== paging", flush=True)
    for label, users, maximum in (
        ("conversations.v1.services(IS).users", client.conversations.v1.services(PAGING_CONV).users, 50),
        ("chat.v2.services(IS).users", client.chat.v2.services(PAGING_CHAT).users, 100),
    ):
        try:
            check_paging(r, base_url, log, label, users, maximum)
        except Exception as e:  # noqa: BLE001
            r.crashed("paging", f"{label}: paging", e)

    ops = r.ops_passed()
    paging_ok, paging_failed = r.counts["paging"]
    fid_ok, fid_failed = r.counts["fidelity"]
    if r.failures:
        print(f"== {len(r.failures)} failure(s):", flush=True)
        for failure in r.failures:
            print(f"FAIL  {failure}", flush=True)
    paging = "paging ok" if paging_failed == 0 else f"paging FAILED ({paging_failed} of {paging_ok + paging_failed} checks)"
    print(f"twilio-python {twilio.__version__}: {ops}/{len(OPERATIONS)} operations ok, {paging}, "
          f"{fid_ok} fidelity checks ok, {fid_failed} failed", flush=True)
    return 0 if ops == len(OPERATIONS) and paging_failed == 0 and fid_failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
