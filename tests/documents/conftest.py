"""Registers the `libreoffice` marker for these tests (until pyproject.toml lists it)."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "libreoffice: converts a DOCX with LibreOffice headless (needs `soffice`)")
