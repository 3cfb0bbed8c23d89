"""The report in a real browser (issue 14): headless Chromium, driven by Selenium and chromedriver.

Uses Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them where missing);
skipped, saying so, when either is absent. Every page is opened from the file system.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bolcorpus import runner
from bolcorpus.config import load_pipeline
from bolcorpus.kb import load_kb
from bolcorpus.report import build_report

pytestmark = [pytest.mark.slow, pytest.mark.issue(14)]
ROOT = Path(__file__).resolve().parent.parent
BROWSER, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the bundled corpus (raw/), published into a temporary folder."""
    out = tmp_path_factory.mktemp("bundled")
    pipeline = load_pipeline(ROOT / "pipelines" / "default.toml")
    settings = pipeline.with_overrides(raw=ROOT / "raw", out=out / "processed")
    version = runner.run(settings).published
    assert version is not None
    return build_report(version, out / "report", load_kb(ROOT / "configs" / "kb" / "entities.yml")).parent


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    if not (BROWSER and DRIVER):
        pytest.skip("no browser: needs Debian's chromium and chromium-driver on PATH "
                    "(apt-get install chromium chromium-driver; .ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = BROWSER
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,1400", f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def test_the_index_shows_plots_stance_bars_and_filters_documents(report: Path, browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get((report / "index.html").as_uri())
    assert browser.save_screenshot(str(tmp_path / "index.png")) and (tmp_path / "index.png").stat().st_size > 10_000
    figures = browser.find_elements(By.CSS_SELECTOR, "figure.plot")
    assert len(figures) == 5
    for figure in figures:
        assert figure.find_element(By.TAG_NAME, "svg").size["height"] > 50
        assert figure.find_element(By.TAG_NAME, "figcaption").text
    assert browser.find_elements(By.CSS_SELECTOR, "#doc-table .stance-bar span.against")
    rows = browser.find_elements(By.CSS_SELECTOR, "#doc-table tbody tr")
    assert len(rows) == 5 and all(r.is_displayed() for r in rows)
    Select(browser.find_element(By.NAME, "rule")).select_by_visible_text("repair.dehyphenate.v1")
    shown = [r for r in rows if r.is_displayed()]
    assert 0 < len(shown) < 5
    assert browser.find_element(By.CSS_SELECTOR, "output").text == f"{len(shown)} of 5 shown"


def test_a_document_page_marks_edits_and_a_click_shows_the_rule(report: Path, browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get((report / "docs" / "001_568351f05c11206d.html").as_uri())
    inspector = browser.find_element(By.ID, "inspector")
    assert not inspector.is_displayed()
    edit = next(m for m in browser.find_elements(By.CSS_SELECTOR, "#views .repaired mark.edit")
                if m.is_displayed() and m.text.strip())
    edit.click()
    assert inspector.is_displayed()
    assert inspector.find_element(By.CLASS_NAME, "rule").text == edit.get_attribute("data-rule")
    assert inspector.find_element(By.CLASS_NAME, "after").text == edit.get_attribute("data-after")
    assert browser.find_elements(By.CSS_SELECTOR, "#views .repaired mark.flag")
    assert browser.save_screenshot(str(tmp_path / "document.png"))

    browser.find_element(By.CSS_SELECTOR, "button[data-view=side]").click()
    assert browser.find_element(By.CSS_SELECTOR, "#views .raw mark.edit").is_displayed()
    browser.find_element(By.CSS_SELECTOR, "button[data-view=entities]").click()
    entities = [m for m in browser.find_elements(By.CSS_SELECTOR, "#views .ents mark.entity") if m.is_displayed()]
    assert len(entities) > 100
    link = entities[0].find_element(By.TAG_NAME, "a").get_attribute("href")
    record = browser.find_element(By.ID, link.split("#")[1])
    assert "Wikidata" in browser.find_element(By.CSS_SELECTOR, "#kb-table thead").text and record.text
    evidence = [m for m in browser.find_elements(By.CSS_SELECTOR, "#stance-list mark.evidence") if m.is_displayed()]
    assert evidence and browser.find_elements(By.CSS_SELECTOR, "#stance .stance-bar span.favor")
    labels = browser.find_elements(By.CSS_SELECTOR, "#stance-list .label")  # each record, under its sentence
    assert any(label.is_displayed() and label.text in ("FAVOR", "AGAINST") for label in labels)
    assert browser.save_screenshot(str(tmp_path / "entities.png"))


def test_a_document_holding_a_script_shows_it_as_text(browser, tmp_path: Path) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By
    from test_report import ATTACK, KB, publish  # pytest puts tests/ (no __init__.py) on sys.path

    index = build_report(publish(tmp_path / "out"), tmp_path / "report", KB)
    browser.get((index.parent / "docs" / "d0.html").as_uri())
    assert ATTACK in browser.find_element(By.ID, "views").text
    assert "<img src=x onerror=alert(2)>" in browser.find_element(By.TAG_NAME, "h1").text
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 (reading it is the check)
