"""The demo instance in a real browser: headless Chromium from Debian (/usr/bin/chromium) through Selenium.

Run by `make browser` (part of `make test`) after `make demo`. A presigned URL opens JupyterLab,
whose launcher lists the four kernels and whose file browser shows the sample folder; a sample
notebook opens and a cell runs on its kernel; the same URL opened again shows the page that asks
for a new one. Screenshots go to test-artifacts/browser/.
"""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import time

import pytest
from selenium import webdriver
from selenium.common.exceptions import ElementNotInteractableException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEMO = ROOT / ".cache" / "demo"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = os.environ.get("SAGEBOX_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("SAGEBOX_CHROMEDRIVER", "/usr/bin/chromedriver")
KERNELS = ("Python 3", "TensorFlow", "MXNet", "PySpark")
SAMPLE = "1-digits-explore-and-preprocess.ipynb"
WAIT = 120  # seconds for any one thing to show up


def presigned_url() -> str:
    """A fresh presigned URL for the demo instance, from the presign playbook."""
    config = DEMO / "ansible.cfg"
    if not config.exists():
        pytest.fail("no demo instance: run `make demo` first (%s is missing)" % config)
    # The demo's own settings (its inventory, the test hosts' connection), as its printed commands use.
    run = subprocess.run(
        ["ansible-playbook", str(ROOT / "playbooks" / "presign_notebook_instance_url.yml")],
        check=False, capture_output=True, text=True, timeout=300, env={**os.environ, "ANSIBLE_CONFIG": str(config)},
    )
    assert run.returncode == 0, "the presign playbook failed:\n" + run.stdout[-3000:] + run.stderr[-2000:]
    out = run.stdout
    match = re.search(r"https://[^ \"]*authToken=[^ \"]*", out)
    assert match, "the presign playbook printed no URL:\n" + out
    return match.group(0)


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1440,960",
                     "--no-proxy-server", "--ignore-certificate-errors"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(WAIT)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def shot(driver, name: str) -> None:
    driver.save_screenshot(str(ARTIFACTS / name))


def wait_for(driver, css: str, timeout: int = WAIT):
    return WebDriverWait(driver, timeout).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def listing_item(driver, name: str):
    """The file browser entry called `name`, once it is listed."""
    def find(d):
        matches = [
            item for item in d.find_elements(By.CSS_SELECTOR, ".jp-DirListing-item .jp-DirListing-itemText")
            if (item.get_attribute("textContent") or "").strip() == name and item.is_displayed()
        ]
        return matches[0] if matches else False
    return WebDriverWait(driver, WAIT).until(find)


def select_first_code_cell(driver) -> bool:
    """Click the first code cell of the open notebook once JupyterLab has laid it out and can take the click."""
    cells = [cell for cell in driver.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel .jp-CodeCell .jp-InputPrompt")
             if cell.is_displayed()]
    if not cells:
        return False
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", cells[0])
    cells[0].click()
    return True


def answer_kernel_dialog(driver) -> bool:
    """Answer JupyterLab's "Select Kernel" dialog, if it shows, with the notebook's kernel (Python 3).

    JupyterLab asks when a run is asked for while the notebook's session is still connecting to its
    kernel, which a busy machine makes likely. Another dialog is dismissed.
    """
    dialogs = [dialog for dialog in driver.find_elements(By.CSS_SELECTOR, ".jp-Dialog") if dialog.is_displayed()]
    if not dialogs:
        return False
    choices = dialogs[0].find_elements(By.CSS_SELECTOR, "select")
    if choices:
        menu = Select(choices[0])
        menu.select_by_visible_text(next(option.text for option in menu.options if option.text.startswith(KERNELS[0])))
        dialogs[0].find_element(By.CSS_SELECTOR, "button.jp-mod-accept").click()
    else:
        dialogs[0].find_element(By.CSS_SELECTOR, "button.jp-mod-reject").click()
    return True


def run_first_code_cell(driver) -> str:
    """Run the first code cell (Shift+Enter) until it shows an execution count; returns its prompt.

    JupyterLab drops a run asked for before the notebook's kernel is connected (the prompt stays
    `[ ]:` and the selection moves on, or it asks which kernel to use), which a busy machine makes
    likely, so the run is asked for again while the prompt shows neither `[*]` (queued or running)
    nor a count.
    """
    asked = 0.0

    def ran(d):
        nonlocal asked
        if answer_kernel_dialog(d):
            asked = 0.0
            return False
        prompt = d.find_element(By.CSS_SELECTOR, ".jp-NotebookPanel .jp-CodeCell .jp-InputPrompt").text or ""
        if re.search(r"\[\s*[0-9]+\s*\]", prompt):
            return prompt
        if "*" not in prompt and time.monotonic() - asked > 15 and select_first_code_cell(d):
            ActionChains(d).key_down(Keys.SHIFT).send_keys(Keys.ENTER).key_up(Keys.SHIFT).perform()
            asked = time.monotonic()
        return False

    return WebDriverWait(driver, 2 * WAIT, ignored_exceptions=(ElementNotInteractableException,
                                                               StaleElementReferenceException)).until(ran)


@pytest.fixture(autouse=True)
def screenshot_on_failure(request, browser):
    yield
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        shot(browser, "failure.png")


def test_presigned_url_opens_jupyterlab_with_kernels_samples_and_a_running_cell(browser):
    url = presigned_url()
    browser.get(url)
    # Signed in: start from JupyterLab's default layout, whatever an earlier session left open.
    wait_for(browser, ".jp-LabShell")
    browser.get(url.split("?")[0].rstrip("/") + "/lab?reset")

    # The launcher: one notebook card per kernel.
    wait_for(browser, ".jp-LauncherCard")
    WebDriverWait(browser, WAIT).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, ".jp-Launcher-section .jp-LauncherCard")) >= len(KERNELS)
    )
    notebook_cards = [
        label.text.strip() for label in browser.find_elements(
            By.CSS_SELECTOR, ".jp-LauncherCard[data-category='Notebook'] .jp-LauncherCard-label")
    ]
    shot(browser, "1-launcher.png")
    for kernel in KERNELS:
        assert any(label.startswith(kernel) for label in notebook_cards), (kernel, notebook_cards)
    assert len(notebook_cards) == len(KERNELS), notebook_cards

    # The sample folder in the file browser (at the notebook directory); open it and a sample notebook.
    browser.find_element(By.CSS_SELECTOR, ".jp-BreadCrumbs-home").click()
    folder = listing_item(browser, "sample_notebooks")
    shot(browser, "2-file-browser.png")
    ActionChains(browser).double_click(folder).perform()
    ActionChains(browser).double_click(listing_item(browser, SAMPLE)).perform()

    # Run its first code cell on its kernel and wait for an execution count (the kernel may be one an
    # earlier session started, so not necessarily 1).
    run_first_code_cell(browser)
    shot(browser, "3-sample-notebook-cell-run.png")

    # The same URL again, in a fresh session: refused, asking for a new one.
    browser.delete_all_cookies()
    browser.get(url)
    body = wait_for(browser, "body").text
    shot(browser, "4-url-used-again.png")
    assert "This URL cannot be used" in body and "Request a new presigned URL" in body, body
