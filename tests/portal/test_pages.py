"""The public site: content in both languages, caching that follows the edition, bad input."""

import io
import unicodedata

import pytest
import zxingcpp
from PIL import Image

from giaithuong.editions.services import load_edition_text
from tests.conftest import EDITION_FILE

pytestmark = pytest.mark.django_db

PAGES = ["/", "/rules/", "/timeline/", "/take-part/", "/faq/", "/contact/",
         "/categories/bao-tap-chi-tieng-viet/"]


def text_of(response) -> str:
    return response.content.decode()


def test_home_in_vietnamese(client, edition):
    html = text_of(client.get("/"))
    assert '<html lang="vi">' in html
    assert "Giải thưởng toàn quốc về thông tin đối ngoại" in html
    assert "lần thứ XII" in html
    for category in edition.categories.all():
        assert category.name_vi in html
    assert "31/07/2026" in html  # the deadline, in the Vietnamese date format
    assert unicodedata.is_normalized("NFC", html)


def test_home_in_english(client, edition):
    html = text_of(client.get("/en/"))
    assert '<html lang="en">' in html
    assert "The 12th National Award for External Information" in html
    for category in edition.categories.all():
        assert category.name_en in html
    assert "Giải thưởng toàn quốc" not in html.split("<main", 1)[1].split("</main>", 1)[0]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_in_both_languages_with_landmarks(client, edition, path):
    for prefix, lang in (("", "vi"), ("/en", "en")):
        response = client.get(prefix + path)
        assert response.status_code == 200, prefix + path
        html = text_of(response)
        assert f'<html lang="{lang}">' in html
        assert 'role="banner"' in html and '<main id="main"' in html
        assert 'role="contentinfo"' in html and 'class="skip-link"' in html
        assert 'hreflang="en"' in html and 'hreflang="vi"' in html
        assert html.count("<h1") == 1


def test_rules_page_comes_from_the_edition_file(client, edition):
    html = text_of(client.get("/rules/"))
    assert "2/3" in html and "Giải Đặc biệt" in html and "Giải Khuyến khích" in html
    assert "Vòng sơ khảo" in html and "Vòng chung khảo" in html
    assert "Ban Tuyên giáo và Dân vận Trung ương" in html
    assert "40%" in html  # the weight of the external-information criterion


def test_category_page_states_its_limits(client, edition):
    html = text_of(client.get("/en/categories/truyen-hinh/"))
    assert "no more than 120 minutes" in html
    assert "no more than 5 parts" in html
    html = text_of(client.get("/en/categories/bao-tap-chi-tieng-viet/"))
    assert "Vietnamese only" in html


def test_contact_page(client, edition):
    html = text_of(client.get("/contact/"))
    assert "Nguyễn Thị Thảo" in html and 'href="tel:0913680438"' in html


def test_unknown_category_and_unknown_language_prefix_are_clear_404s(client, edition):
    from django.utils import translation

    with translation.override("vi"):
        not_found = translation.gettext("Page not found")
    assert not_found != "Page not found"
    response = client.get("/categories/khong-co/")
    assert response.status_code == 404 and not_found in text_of(response)
    response = client.get("/fr/")
    assert response.status_code == 404
    assert '<html lang="vi">' in text_of(response)
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404 and "Page not found" in text_of(response)


def test_oversized_request_is_refused_with_a_message(client, edition, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post("/en/account/login/", {"username": "x" * 5000, "password": "y"})
    assert response.status_code == 400
    assert "larger than the site accepts" in text_of(response)


def test_time_left_counts_down_before_the_deadline(client, edition):
    from datetime import timedelta

    from django.utils import timezone

    from giaithuong.editions.models import Edition

    Edition.objects.filter(pk=edition.pk).update(
        deadline=timezone.now() + timedelta(days=10, hours=1), revision=edition.revision + 1)
    html = text_of(client.get("/en/"))
    assert '<span class="days">10</span> days left to submit' in html


def test_closed_deadline_says_entries_are_closed(client, edition):
    from datetime import timedelta

    from django.utils import timezone

    from giaithuong.editions.models import Edition

    Edition.objects.filter(pk=edition.pk).update(
        deadline=timezone.now() - timedelta(days=1), revision=edition.revision + 1)
    assert "Entries are closed." in text_of(client.get("/en/"))


def test_cached_page_follows_a_reloaded_edition_at_once(client, edition):
    assert "Truyền hình" in text_of(client.get("/"))
    text = EDITION_FILE.read_text(encoding="utf-8").replace(
        'name = { vi = "Truyền hình", en = "Television" }',
        'name = { vi = "Truyền hình và phim tài liệu", en = "Television" }')
    load_edition_text(text, source_name="ttdn-xii-2026.toml")
    assert "Truyền hình và phim tài liệu" in text_of(client.get("/"))


def test_signed_in_people_never_get_the_anonymous_cached_page(client, edition):
    from giaithuong.accounts.services import create_user

    client.get("/")  # fills the cache
    client.force_login(create_user(username="thu", password="x-Very-long-1",
                                   full_name="Đoàn Trung Thu"))
    assert "Đoàn Trung Thu" in text_of(client.get("/"))


@pytest.mark.parametrize("path", ["/qr/trailer.png", "/qr/trailer.svg"])
def test_trailer_qr_endpoints(client, edition, path):
    response = client.get(path)
    assert response.status_code == 200
    if path.endswith(".png"):
        assert response["Content-Type"] == "image/png"
        (decoded,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content)))
        assert decoded.text == edition.trailer_url
    else:
        assert response["Content-Type"] == "image/svg+xml"
        assert response.content.startswith(b"<svg")


def test_no_edition_loaded_gives_a_clear_404(client, db):
    response = client.get("/")
    assert response.status_code == 404


def test_security_headers(client, edition):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_print_stylesheet_exists(client, edition):
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("portal/site.css")).read_text(encoding="utf-8")
    assert "@media print" in css and "@media (max-width" in css
