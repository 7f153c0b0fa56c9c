"""The web demo in a real browser: headless Chromium driven by Selenium.

Needs Debian's ``chromium`` and ``chromium-driver`` (``tools/setup_browser.sh``
installs them; ``.ci/run`` does); without them the test is skipped, saying
so. ``MMREPOSE_WEB_SCREENSHOT=docs/web_demo.png`` also writes the page's
screenshot there (the README's picture).
"""
from __future__ import annotations

import base64
import os
import shutil

import cv2
import numpy as np
import pytest

CHROMIUM = shutil.which('chromium')
CHROMEDRIVER = shutil.which('chromedriver')
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason='no Chromium / ChromeDriver: run `bash tools/setup_browser.sh` '
    '(Debian: apt-get install chromium chromium-driver)')


@pytest.fixture(scope='module')
def browser():
    webdriver = pytest.importorskip('selenium.webdriver')
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ('--headless=new', '--no-sandbox', '--disable-gpu',
                 '--disable-quic', '--no-first-run',
                 '--disable-background-networking',
                 '--disable-component-update', '--disable-sync',
                 '--disable-dev-shm-usage', '--window-size=1500,1000'):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def image_of(url: str) -> np.ndarray:
    data = base64.b64decode(url.split(',', 1)[1])
    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)


def test_move_a_joint_generate_and_see_errors(web_server, browser, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    wait = WebDriverWait(browser, 120)
    find = lambda id_: browser.find_element(By.ID, id_)  # noqa: E731

    browser.get(web_server.url)
    wait.until(lambda b: find('status').text == 'ready')
    screenshot_to = os.environ.get('MMREPOSE_WEB_SCREENSHOT')
    if not screenshot_to:  # the picture for the docs: the default steps
        steps = find('num-steps')
        steps.clear()
        steps.send_keys('4')

    def generate() -> str:
        before = find('result').get_attribute('src')
        find('generate').click()
        wait.until(lambda b: find('status').text == 'done' and
                   find('result').get_attribute('src') != before)
        size = browser.execute_script(
            'const r = document.getElementById("result");'
            'return [r.naturalHeight, r.naturalWidth];')
        assert size == [64, 44]  # the model's size
        return find('result').get_attribute('src')

    first = generate()
    # drag the right wrist (joint 4) 60 canvas pixels up and 40 right
    x, y = browser.execute_script(
        'return window.mmrepose.jointCanvasPosition(4);')
    canvas = find('pose-canvas')
    width, height = canvas.size['width'], canvas.size['height']
    before = browser.execute_script('return window.mmrepose.state.keypoints[4];')
    ActionChains(browser).move_to_element_with_offset(
        canvas, int(x - width / 2), int(y - height / 2)).click_and_hold() \
        .move_by_offset(20, -30).move_by_offset(20, -30).release().perform()
    after = browser.execute_script('return window.mmrepose.state.keypoints[4];')
    scale = browser.execute_script('return window.mmrepose.state.scale;')
    assert height == round(256 * scale)  # canvas pixels per frame pixel
    assert after[0] - before[0] == pytest.approx(40 / scale, abs=2 / scale)
    assert after[1] - before[1] == pytest.approx(-60 / scale, abs=2 / scale)
    second = generate()
    difference = np.abs(image_of(first).astype(int) - image_of(second))
    assert difference.mean() > 1  # the moved wrist changed the result
    assert not find('download-result').get_attribute('hidden')
    screenshot = tmp_path / 'web_demo.png'
    browser.save_screenshot(str(screenshot))
    if screenshot_to:
        shutil.copy(screenshot, screenshot_to)

    broken = tmp_path / 'broken.png'
    broken.write_bytes(b'this is not an image')
    find('pose-upload').send_keys(str(broken))
    wait.until(lambda b: find('error').is_displayed())
    assert find('error').text == \
        'cannot decode image broken.png (not an image file, or corrupt)'
    # the page and the server go on after the error
    seed = find('seed')
    seed.clear()
    seed.send_keys('1')
    generate()
    assert not find('error').is_displayed()
