"""The two-step address finder (postcode, then the addresses at it) for the journeys outside the
workflow engine (bulky waste, garden waste). Each blueprint has `.start` and `.address` endpoints."""
from __future__ import annotations

from typing import Callable

from flask import redirect, render_template, request, url_for

from frontdoor.services import properties
from workflows.forms import AddressChoiceForm, PostcodeForm


def address_step(page, question, chosen_uprn: str | None, on_chosen: Callable[[str], object]):
    """GET/POST of the `.address` endpoint: without ?postcode=, ask for one; with it, the list of
    addresses there. on_chosen(uprn) saves the choice and returns the response (the next page)."""
    postcode = request.args.get("postcode")
    if postcode is None:
        form = PostcodeForm()
        if form.validate_on_submit():
            if properties.addresses_at(form.postcode.data):
                return redirect(url_for(".address", postcode=form.postcode.data))
            form.postcode.errors.append(f"We could not find any addresses for {form.postcode.data}. Check the postcode")
        return render_template("portal/postcode.html", title=page.title, page=page, form=form, question=question,
                               back=url_for(".start"))
    addresses = properties.addresses_at(postcode)
    if not addresses:
        return redirect(url_for(".address"))
    form = AddressChoiceForm(addresses, data={"uprn": chosen_uprn})
    if form.validate_on_submit():
        return on_chosen(form.uprn.data)
    return render_template("portal/address.html", title=page.title, page=page, form=form, postcode=postcode,
                           back=url_for(".address"))
