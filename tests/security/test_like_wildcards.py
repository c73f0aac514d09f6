"""LIKE wildcards typed into the staff address search are literal characters (issue 16, Low)."""
from frontdoor.services import customer_search
from tests import factories


def test_percent_and_underscore_in_an_address_search_match_literally(session):
    factories.property_(street="Acacia Avenue", number=12)
    factories.property_(street="Birch Road", number=12)
    assert len(customer_search.search("12 %").properties) == 0
    assert len(customer_search.search("1_ road").properties) == 0
    assert [p.address_line1 for p in customer_search.search("12 birch").properties] == ["12 Birch Road"]
