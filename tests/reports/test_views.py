"""The report pages: who may see them, what they show, threshold edits."""

import pytest
from django.test import Client

from kedai.backoffice.roles import OWNER
from kedai.reports.models import StockAlert
from tests.factories import make_product
from tests.reports.conftest import kl, make_order, office_user

pytestmark = pytest.mark.django_db
DASHBOARD, LOW_STOCK = "/office/reports/sales/", "/office/reports/low-stock/"
THRESHOLD = "/office/reports/low-stock/threshold/"


@pytest.mark.parametrize("url", [DASHBOARD, LOW_STOCK])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/office/login/?next={url}"


@pytest.mark.parametrize("url", [DASHBOARD, LOW_STOCK])
def test_staff_without_view_reports_get_403(client, url):
    client.force_login(office_user("kamal", group=None,
                                   permissions=("use_backoffice", "manage_orders")))
    assert client.get(url).status_code == 403
    assert client.post(THRESHOLD, {"variant": 1, "threshold": 3}).status_code == 403


@pytest.mark.parametrize("group", ["Staff", OWNER])
def test_staff_and_owners_see_both_pages_in_the_menu(client, group):
    client.force_login(office_user("mei", group=group))
    page = client.get(DASHBOARD)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="{DASHBOARD}" aria-current="page"' in html
    assert f'href="{LOW_STOCK}"' in html
    assert client.get(LOW_STOCK).status_code == 200
    assert client.get("/office/reports/")["Location"] == DASHBOARD


def test_dashboard_shows_figures_charts_and_tables(staff_client, frozen_now):
    make_order(email="a@example.my", at=kl(2026, 3, 15, 9, 30), total="100.00",
               state="SGR", lines=[("Kopi <b>O</b>", 2, "100.00")])
    make_order(email="b@example.my", at=kl(2026, 3, 14, 10, 0), total="50.00",
               state="JHR", method="cod", lines=[("Kuih", 1, "50.00")])
    html = staff_client.get(DASHBOARD + "?period=today").content.decode()
    assert '<a href="?period=today" aria-current="page">Today</a>' in html
    assert '<p class="value" data-value="100.00">RM100.00</p>' in html
    assert '<span class="change up">+100.0%</span>' in html  # 100 against 50
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3
    assert '<title id="sales-over-time-title">Sales over time</title>' in html
    assert "<th scope=\"row\">Selangor</th>" in html
    assert "Kopi &lt;b&gt;O&lt;/b&gt;" in html and "<b>O</b>" not in html
    week = staff_client.get(DASHBOARD + "?period=7d").content.decode()
    assert "<th scope=\"row\">Johor</th>" in week


def test_an_unknown_period_falls_back_to_seven_days(staff_client, frozen_now):
    response = staff_client.get(DASHBOARD + "?period=%3Cx%3E")
    assert response.status_code == 200
    assert 'href="?period=7d" aria-current="page"' in response.content.decode()


def test_the_dashboard_costs_the_same_queries_for_more_orders(
        staff_client, frozen_now, django_assert_max_num_queries):
    for i in range(30):
        make_order(email=f"c{i}@example.my", at=kl(2026, 3, 1 + i % 14, 10),
                   total="10.00", state=["SGR", "JHR", "KUL"][i % 3],
                   lines=[(f"Item {i % 5}", 1, "10.00")])
    with django_assert_max_num_queries(20):
        assert staff_client.get(DASHBOARD + "?period=30d").status_code == 200


@pytest.fixture
def variants(settings):
    settings.KEDAI_LOW_STOCK_THRESHOLD = 5
    product = make_product(name="Songket <i>shawl</i>", variants=[
        {"sku": "SGK-RED", "option1": "Red", "stock": 2},
        {"sku": "SGK-BLUE", "option1": "Blue", "stock": 9}])
    return {v.sku: v for v in product.variants.all()}


def test_low_stock_lists_low_variants_with_office_links(staff_client, variants):
    html = staff_client.get(LOW_STOCK).content.decode()
    assert "SGK-RED" in html and "SGK-BLUE" not in html
    product_id = variants["SGK-RED"].product_id
    assert f'href="/office/catalogue/p/{product_id}/"' in html
    assert "Songket &lt;i&gt;shawl&lt;/i&gt;" in html
    everything = staff_client.get(LOW_STOCK + "?show=all&q=sgk").content.decode()
    assert "SGK-BLUE" in everything
    assert staff_client.get(LOW_STOCK + "?show=nonsense&page=x").status_code == 200


def test_an_override_is_saved_from_the_page_and_removed_again(staff_client, variants):
    blue = variants["SGK-BLUE"]
    response = staff_client.post(THRESHOLD, {"variant": blue.pk, "threshold": "10",
                                             "show": "all", "q": "sgk"})
    assert response.status_code == 302
    assert response["Location"] == LOW_STOCK + "?show=all&q=sgk"
    assert StockAlert.objects.get(variant=blue).threshold == 10
    page = staff_client.get(LOW_STOCK).content.decode()
    assert "SGK-BLUE" in page and "SGK-BLUE: low at 10 or fewer." in page
    staff_client.post(THRESHOLD, {"variant": blue.pk, "threshold": "10",
                                  "reset": "1"})
    assert not StockAlert.objects.filter(variant=blue).exists()


@pytest.mark.parametrize("data", [
    {"threshold": "-1"}, {"threshold": "2,5"}, {"threshold": "99999999"},
    {"variant": "999999", "threshold": "3"}, {"variant": "abc"}, {"threshold": "lima"},
])
def test_bad_threshold_input_is_reported_and_changes_nothing(staff_client, variants,
                                                             data):
    red = variants["SGK-RED"]
    StockAlert.objects.create(variant=red, threshold=4)
    response = staff_client.post(THRESHOLD, {"variant": red.pk, **data},
                                 follow=True)
    assert response.status_code == 200
    assert '<li class="error" role="status">' in response.content.decode()
    assert StockAlert.objects.get(variant=red).threshold == 4


def test_threshold_form_needs_the_csrf_token(variants):
    client = Client(enforce_csrf_checks=True)
    client.force_login(office_user("nurul"))
    page = client.get(LOW_STOCK).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    response = client.post(THRESHOLD, {"variant": variants["SGK-RED"].pk,
                                       "threshold": "1"})
    assert response.status_code == 403
    assert not StockAlert.objects.exists()


def test_the_threshold_url_refuses_get(staff_client):
    assert staff_client.get(THRESHOLD).status_code == 405
