"""What the API's documentation adds to drf-spectacular's: who may call each operation, and examples.

AutoSchema (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS) ends every operation's description with a
"Who may call" line derived from the view's permission classes, so an endpoint added later is
covered without a hand-written sentence. A view whose code narrows who may call beyond its
permission classes (an organizer check inside, reviewers only) says so in `who_may_call`: one
sentence, or a dict keyed by HTTP method ("post") or viewset action.

add_examples (a postprocessing hook) gives every request and success response without an example
the one of its shape from conferences.api.examples.
"""

import copy
import functools
import inspect
import re
import types

from django.utils.translation import gettext_lazy
from drf_spectacular import openapi
from drf_spectacular.drainage import warn
from rest_framework import permissions

from conferences.api.examples import COMPONENTS, OPERATIONS
from conferences.api.permissions import (
    CanEditOrganizations,
    IsConferenceOrganizer,
    IsOrganizer,
)

WHO_MAY_CALL = gettext_lazy("Who may call")
ANYONE = gettext_lazy("anyone, without signing in")
SIGNED_IN = gettext_lazy("any signed-in user (token or session)")
READ_ANYONE = gettext_lazy("anyone may read (signing in shows more); writing needs a signed-in user")
ORGANIZERS = gettext_lazy("the conference's organizers (and superusers), signed in")
NOTICE_ORGANIZERS = gettext_lazy(
    "users who organize a conference (and superusers); each sees the notices of the conferences they organize"
)
AGENCIES_READ = gettext_lazy("any signed-in user")
AGENCIES_WRITE = gettext_lazy("staff, or a user with the permission to add or change agencies")
CONFERENCE_CREATE = gettext_lazy(
    "a signed-in user allowed to create conferences (staff or the add permission)"
)
DELEGATE_LINK = gettext_lazy(
    "the conference's organizers, or a delegate authenticated by their personal link "
    "(`Authorization: Delegate <token>`), who reaches only what came through that link"
)

# For views whose code narrows who may call beyond their permission classes (their `who_may_call`).
PUBLISHED_OR_ORGANIZERS = gettext_lazy(
    "anyone, once the conference is published (no sign-in needed); its organizers also before"
)
VISIBLE_CONFERENCES = gettext_lazy(
    "anyone (published conferences); a signed-in user also sees the drafts they organize"
)
ORGANIZERS_NOT_LINK = gettext_lazy(
    "the conference's organizers (and superusers), signed in; not a delegate link"
)
DELEGATE_ONLY = gettext_lazy(
    "a delegate authenticated by their personal link (`Authorization: Delegate <token>`), "
    "for what came through that link"
)
STAFF = gettext_lazy("staff")
REVIEWERS_AND_ORGANIZERS = gettext_lazy(
    "the conference's organizers, and the reviewers the paper is assigned to (their own review)"
)
ASSIGNED_REVIEWERS = gettext_lazy("a reviewer the paper is assigned to")
ASSIGNMENTS_READ = gettext_lazy(
    "the conference's organizers (every assignment) and its reviewers (their own)"
)
JOB_OWNERS = gettext_lazy("the user who started the job, the organizers of its conference, and superusers")
INVITATION_LINK = gettext_lazy(
    "anyone holding the invitation's personal link: the token in the URL is the credential"
)


def _is(permission, *classes) -> bool:
    return isinstance(permission, classes)


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, *args, **kwargs):
        # Here, not in get_description: extend_schema(description=...) replaces that method.
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        self._document_domain_errors(operation)
        self._document_refusal(operation)
        who = self.who_may_call()
        if who:
            description = (operation.get("description") or "").strip()
            line = f"**{WHO_MAY_CALL}:** {who}"
            operation["description"] = f"{description}\n\n{line}" if description else line
        return operation

    def _document_domain_errors(self, operation: dict) -> None:
        """The 400 examples of the rules this operation's services can refuse it with (their codes)."""
        handler = getattr(self.view, getattr(self.view, "action", None) or self.method.lower(), None)
        handler = getattr(handler, "__func__", handler)  # The function behind the bound method.
        refusals = domain_refusals(handler, type(self.view)) if handler else {}
        if not refusals:
            return
        response = operation["responses"].setdefault(
            "400", {"content": {"application/json": {"schema": {"$ref": REF + "ErrorResponse"}}}}
        )
        media = response.setdefault("content", {}).setdefault("application/json", {})
        examples = media.setdefault("examples", {})
        for code, message in sorted(refusals.items()):
            examples.setdefault(code, {"value": {"message": message, "code": code, "errors": {}}})

    def _document_refusal(self, operation: dict) -> None:
        """The 403 example says what the view's permission class says when it refuses."""
        messages = [getattr(self.view, "organizer_message", None)]
        messages += [getattr(p, "message", None) for p in self.view.get_permissions()]
        message = next((m for m in messages if m), None)
        if message is None:
            return
        response = operation["responses"].setdefault(
            "403", {"content": {"application/json": {"schema": {"$ref": REF + "ErrorResponse"}}}}
        )
        media = response.setdefault("content", {}).setdefault("application/json", {})
        if not media.get("examples") and "example" not in media:
            value = {"message": str(message), "code": "permission_denied", "errors": {}}
            media["examples"] = {"permission_denied": {"value": value}}

    def who_may_call(self) -> str:
        declared = getattr(self.view, "who_may_call", None)
        if isinstance(declared, dict):
            declared = declared.get(getattr(self.view, "action", None)) or declared.get(self.method.lower())
        if declared:
            return str(declared)
        return self._derived()

    def _derived(self) -> str:
        perms = self.view.get_permissions()
        method = self.method.upper()
        names = [type(p).__name__ for p in perms]
        if any(_is(p, IsConferenceOrganizer) for p in perms):
            return str(ORGANIZERS)
        if any(_is(p, IsOrganizer) for p in perms):
            return str(NOTICE_ORGANIZERS)
        if any(_is(p, CanEditOrganizations) for p in perms):
            return str(AGENCIES_READ if method in permissions.SAFE_METHODS else AGENCIES_WRITE)
        if any(type(p).__name__ == "IsOrganizerOrDelegate" for p in perms):
            return str(DELEGATE_LINK)
        if any(type(p).__name__ == "CanCreateConference" for p in perms):
            return str(CONFERENCE_CREATE)
        if any(_is(p, permissions.IsAuthenticatedOrReadOnly) for p in perms):
            return str(READ_ANYONE if method in permissions.SAFE_METHODS else SIGNED_IN)
        if any(_is(p, permissions.IsAuthenticated) for p in perms):
            return str(SIGNED_IN)
        if perms and all(_is(p, permissions.AllowAny) for p in perms):
            return str(ANYONE)
        # A permission class this module does not know: say so where CI looks (--fail-on-warn).
        warn(
            f"no 'Who may call' sentence for the permission classes {names}: "
            "add one in conferences.api.schema"
        )
        return ""


# Domain errors ------------------------------------------------------------------------------

# An ApplicationError raised with a code: its first string is the message.
_REFUSAL = re.compile(
    r'ApplicationError\((?P<body>(?:(?!ApplicationError\().)*?)\bcode="(?P<code>\w+)"', re.S
)
_MESSAGE = re.compile(r'_\(\s*"(?P<text>[^"]*)"')
_FOLLOWED = ("conferences.services", "conferences.api.views", "conferences.api.serializers")


def _code_objects(code: types.CodeType):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_objects(const)


def _callees(function, view_class) -> list:
    """The services and view helpers a function names (the ones whose refusals it can pass on)."""
    found = []
    names = {name for code in _code_objects(function.__code__) for name in code.co_names}
    for name in sorted(names):
        target = function.__globals__.get(name)
        if target is None and view_class is not None:
            target = inspect.getattr_static(view_class, name, None)
        if inspect.isclass(target) and target.__module__.startswith("conferences.api.serializers"):
            # A serializer's save() calls its create/update, which call the services.
            found += [value for value in vars(target).values() if inspect.isfunction(value)]
            continue
        target = inspect.unwrap(target) if inspect.isfunction(target) else None
        if target is not None and target.__module__.startswith(_FOLLOWED):
            found.append(target)
    return found


@functools.cache
def _refusals_in(function) -> tuple[tuple[str, str], ...]:
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return ()
    refusals = []
    for match in _REFUSAL.finditer(source):
        message = _MESSAGE.search(match["body"])
        text = re.sub(r"%\((\w+)\)s", "…", message["text"]) if message else match["code"]
        refusals.append((match["code"], text))
    return tuple(refusals)


def domain_refusals(handler, view_class, depth: int = 5) -> dict[str, str]:
    """{code: message} of the ApplicationErrors the handler's services raise, read from their source.

    Followed through calls to conferences.services and the view's own helpers, a few levels deep:
    a code here is one a request to the operation can meet (core.api answers it with 400).
    """
    seen, refusals, layer = set(), {}, [inspect.unwrap(handler)]
    for _level in range(depth):
        following = []
        for function in layer:
            if function in seen or not inspect.isfunction(function):
                continue
            seen.add(function)
            for code, message in _refusals_in(function):
                refusals.setdefault(code, message)
            following += _callees(function, view_class)
        layer = following
    return refusals


# Examples ------------------------------------------------------------------------------------

REF = "#/components/schemas/"
JSON_MEDIA = ("application/json", "multipart/form-data", "application/x-www-form-urlencoded")


def _without(value, schema: dict, components: dict, key: str):
    """value without the properties marked `key` (readOnly for a request, writeOnly for a response)."""
    if "$ref" in schema:
        schema = components.get(schema["$ref"].removeprefix(REF), {})
    if isinstance(value, dict) and "properties" in schema:
        result = {}
        for name, item in value.items():
            prop = schema["properties"].get(name, {})
            if prop.get(key):
                continue
            result[name] = _without(item, prop, components, key)
        return result
    if isinstance(value, list) and "items" in schema:
        return [_without(item, schema["items"], components, key) for item in value]
    return value


def example_for(schema: dict, components: dict, operation_id: str, *, request: bool):
    """The example of a body whose schema is `schema`, or None when there is none to give."""
    own = OPERATIONS.get(operation_id, {}).get("request" if request else "response")
    if own is not None:
        return copy.deepcopy(own)
    name, many, page = None, False, False
    if "$ref" in schema:
        name = schema["$ref"].removeprefix(REF)
    elif schema.get("type") == "array" and "$ref" in schema.get("items", {}):
        name, many = schema["items"]["$ref"].removeprefix(REF), True
    if name is None:
        return None
    if name.startswith("Paginated") and name.endswith("List"):
        name, page = name.removeprefix("Paginated").removesuffix("List"), True
    base = name.removeprefix("Patched")
    if base not in COMPONENTS:
        return None
    target = {"$ref": REF + (base if base in components else name)}
    value = _without(
        copy.deepcopy(COMPONENTS[base]), target, components, "readOnly" if request else "writeOnly"
    )
    if many:
        return [value]
    if page:
        return {"count": 1, "next": None, "previous": None, "results": [value]}
    return value


def _fill(content: dict, components: dict, operation_id: str, *, request: bool, title: str) -> None:
    for media_type, media in content.items():
        if media_type not in JSON_MEDIA or media.get("examples") or "example" in media:
            continue
        value = example_for(media.get("schema", {}), components, operation_id, request=request)
        if value is not None:
            media["examples"] = {title: {"value": value, "summary": title}}


# A download's body is a file, not an example: its success response describes the file instead.
FILE_DESCRIPTIONS = {
    "application/pdf": gettext_lazy("The PDF file; Content-Disposition gives its name."),
    "text/calendar": gettext_lazy("An iCalendar file (.ics), one event per agenda item."),
    "application/octet-stream": gettext_lazy(
        "The file as it was uploaded, in its own type (PDF, DOCX...); Content-Disposition gives its name."
    ),
    "text/html": gettext_lazy("An HTML page, as the recipient sees the notice."),
}


def _describe_file(response: dict) -> None:
    if response.get("description"):
        return
    for media_type in response.get("content", {}):
        if media_type in FILE_DESCRIPTIONS:
            response["description"] = str(FILE_DESCRIPTIONS[media_type])
            return


def add_examples(result, generator, request, public):
    """Give every request body and success response without an example the one of its shape,
    and every file download a description of the file."""
    components = result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            operation_id = operation.get("operationId", "")
            body = operation.get("requestBody", {}).get("content", {})
            _fill(body, components, operation_id, request=True, title=str(gettext_lazy("Request")))
            for status, response in operation.get("responses", {}).items():
                if status.startswith("2"):
                    _describe_file(response)
                    content = response.get("content", {})
                    _fill(
                        content, components, operation_id, request=False, title=str(gettext_lazy("Response"))
                    )
    return result
