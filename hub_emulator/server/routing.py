"""Tiny regex router. A handler may return None to pass the request on to the next matching route,
which lets the published-repo store answer first and the static world answer the rest."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from .http_types import Request, Response, error_response

Handler = Callable[[Request, re.Match[str]], Response | None]

# Path pieces shared by the route tables. Repo ids contain one slash; a few legacy ids have none.
REPO_TYPE = r"(?P<type>models|datasets|spaces)"
REPO_ID = r"(?P<id>[^/]+/[^/]+|[^/]+)"
NAMESPACED_ID = r"(?P<id>[^/]+/[^/]+)"
# File downloads: models have no type prefix (`/<id>/resolve/<rev>/<path>`).
RESOLVE = r"/(?:(?P<type>datasets|spaces)/)?" + NAMESPACED_ID + r"/resolve/(?P<rev>[^/]+)/(?P<path>.+)"


@dataclass(frozen=True)
class Route:
    methods: frozenset[str]
    pattern: re.Pattern[str]
    handler: Handler


def route(methods: str, pattern: str, handler: Handler) -> Route:
    """`methods` is space-separated; GET routes also answer HEAD."""
    names = set(methods.split())
    if "GET" in names:
        names.add("HEAD")
    return Route(frozenset(names), re.compile(f"^{pattern}$"), handler)


def group(match: re.Match[str], name: str) -> str:
    """A path group, percent-decoded (revisions arrive quoted, e.g. `refs%2Fpr%2F1`)."""
    return unquote(match.group(name))


def repo_type_of(match: re.Match[str]) -> str:
    """`models` → `model`."""
    return match.group("type")[:-1]


def dispatch(routes: Sequence[Route], req: Request) -> Response:
    for candidate in routes:
        match = candidate.pattern.match(req.path)
        if match is None or req.method not in candidate.methods:
            continue
        response = candidate.handler(req, match)
        if response is not None:
            return response
    return error_response(404, "Sorry, we can't find the page you are looking for.")
