"""The staff menu: one list for every staff page, each item shown to exactly the roles its page
allows (read from the page's own staff_required, so the two can't drift apart)."""
from __future__ import annotations

from flask import current_app, request, url_for
from flask_login import current_user

from frontdoor.auth import is_staff

# (text, the page it opens, the endpoints or blueprints that count as being in that section)
ITEMS = (
    ("Queue", "caseworker.queue", ("caseworker.queue", "caseworker.case")),
    ("Tasks", "caseworker.tasks", ("caseworker.tasks",)),
    ("Customers", "caseworker.search", ("caseworker.search", "caseworker.customer", "caseworker.property_view",
                                        "caseworker.merge", "caseworker.contact_start", "caseworker.contact")),
    ("Bookings", "staff_bulky.manifest", ("staff_bulky",)),
    ("Garden waste", "staff_garden.search", ("staff_garden",)),
    ("Dashboards", "dashboards.index", ("dashboards",)),
    ("Admin", "caseworker.admin_staff", ("caseworker.admin_staff", "caseworker.admin_staff_edit", "api_admin",
                                         "caseworker.notifications", "dashboards.costs")),
)


def allowed(endpoint: str, user=None) -> bool:
    user = user or current_user
    view = current_app.view_functions.get(endpoint)
    roles = getattr(view, "staff_roles", None)
    if view is None or roles is None:
        return False
    return not roles or user.role == "admin" or user.role in roles


def _active(sections: tuple[str, ...]) -> bool:
    return request.endpoint in sections or request.blueprint in sections


def staff_menu() -> list[dict]:
    """The service navigation items for the signed-in member of staff (none for anyone else)."""
    if not is_staff():
        return []
    items = [{"href": url_for(endpoint), "text": text, "active": _active(sections)}
             for text, endpoint, sections in ITEMS if allowed(endpoint)]
    # "Dashboards" is in its own section, "Admin" covers the costs page: the most specific wins.
    if request.endpoint == "dashboards.costs":
        for item in items:
            item["active"] = item["text"] == "Admin"
    items.append({"href": url_for("caseworker.sign_out"), "text": f"Sign out ({current_user.name})"})
    return items
