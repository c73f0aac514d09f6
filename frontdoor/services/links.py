"""Links in what services write (an email, a payment provider's return address): named, not built.

A service names the page it means (Link(endpoint, values)); the web layer, which owns the routes,
registers how a Link becomes a URL (frontdoor.web.init_app). So no service calls url_for or knows a
route's path, and a Link can be returned to a route as it is, for the route to turn into a URL.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

_resolver: Callable[["Link", bool], str] | None = None


@dataclass(frozen=True)
class Link:
    endpoint: str
    values: dict = field(default_factory=dict)

    def url(self, external: bool = True) -> str:
        """The URL (absolute unless external=False: then the path on this site)."""
        if _resolver is None:
            raise RuntimeError("no link resolver registered: create_app registers the web layer's")
        return _resolver(self, external)


def set_resolver(resolver: Callable[[Link, bool], str]) -> None:
    global _resolver
    _resolver = resolver
