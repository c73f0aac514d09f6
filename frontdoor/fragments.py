"""Layout fragments rendered once and kept: the header, service navigation, phase banner and footer.

They are the same for every request with the same inputs, yet were most of a page's render time
(govuk-frontend-jinja's template also renders its header blocks twice to see whether they are empty).
Templates wrap a fragment in `{% call cached_fragment(name, inputs...) %}...{% endcall %}`; every input
the fragment reads must be in the key. Kept per app, and cleared whole when it grows past MAX.
"""
from __future__ import annotations

import json

from flask import current_app
from markupsafe import Markup

MAX = 1024
_KEY = "frontdoor.fragments"


def cached_fragment(name: str, *inputs, caller) -> Markup:
    store = current_app.extensions.setdefault(_KEY, {})
    key = name + json.dumps(inputs, sort_keys=True, default=str)
    hit = store.get(key)
    if hit is None:
        hit = Markup(caller())
        if len(store) >= MAX:
            store.clear()
        store[key] = hit
    return hit


def init_app(app) -> None:
    app.jinja_env.globals["cached_fragment"] = cached_fragment
