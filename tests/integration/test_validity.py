"""Every page of the real site is valid HTML for the W3C Nu checker (vnu-jar)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.real_site import build_real_site, html_pages
from tests.support.validators import run_vnu


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_real_site(tmp_path_factory.mktemp("validity"))


def test_nu_checker_reports_no_errors_on_any_page(public: Path, vnu: Path) -> None:
    pages = html_pages(public)
    assert {page.kind for page in pages} >= {"home", "article", "page", "taxonomy", "term",
                                             "section", "archive", "404"}
    assert run_vnu([public], jar=vnu) == []


def test_nu_checker_sees_the_errors_it_should(tmp_path: Path, vnu: Path) -> None:
    """Guard against a checker that passes everything: a broken copy of a real page fails."""
    public = build_real_site(tmp_path)
    home = public / "index.html"
    home.write_text(home.read_text(encoding="utf-8").replace("<main", "<main><p><div>x</div></p"),
                    encoding="utf-8")
    errors = run_vnu([home], jar=vnu)
    assert errors and all(line.startswith(str(home)) for line in errors)
