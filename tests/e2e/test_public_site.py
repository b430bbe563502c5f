"""A visitor reads the award's site: Vietnamese, then English and back, a category, the QR."""

import pytest
import zxingcpp
from PIL import Image


@pytest.fixture
def site(live_server, transactional_db):
    from giaithuong.editions.services import load_edition_file
    from tests.conftest import EDITION_FILE

    load_edition_file(EDITION_FILE)
    return live_server.url


def test_home_language_switch_category_and_trailer_qr(site, page, tmp_path):
    page.goto(site + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Giải thưởng toàn quốc về thông tin đối ngoại lần thứ XII"

    page.get_by_role("link", name="English").click()
    page.wait_for_url(site + "/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == (
        "The 12th National Award for External Information")
    assert page.get_by_role("link", name="How to take part").first.is_visible()

    page.get_by_role("link", name="Tiếng Việt").click()
    page.wait_for_url(site + "/")
    assert page.get_by_role("heading", level=1).inner_text().endswith("lần thứ XII")

    page.get_by_role("link", name="Truyền hình").click()
    page.wait_for_url(site + "/categories/truyen-hinh/")
    assert "Truyền hình" in page.get_by_role("heading", level=1).inner_text()
    assert "120 phút" in page.locator("main").inner_text()

    # Keyboard users reach the main content first.
    page.goto(site + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"

    # The trailer QR, fetched as the browser gets it, decodes to the configured trailer URL.
    response = page.request.get(site + "/qr/trailer.png")
    assert response.ok and response.headers["content-type"] == "image/png"
    png = tmp_path / "trailer.png"
    png.write_bytes(response.body())
    (decoded,) = zxingcpp.read_barcodes(Image.open(png))
    assert decoded.text == "https://giaithuong.ttdn.vn/"
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)


def test_site_is_usable_on_a_phone(site, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(site + "/rules/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "no sideways scrolling on a 360 px screen"
    assert page.get_by_role("heading", level=1).is_visible()
    context.close()
