"""The journey suite's per-page checks fail when a page breaks them: an axe-core violation, a
horizontal scroll, a request to another host, a value squeezed under 40 % of the window."""

import pytest

from tests.browser.page_checks import PageChecks

pytestmark = [pytest.mark.browser, pytest.mark.embedded]

SITE = "http://hocso.test"
CLEAN = '<main><h1>Học Số</h1><dl class="data-list"><dt>Họ và tên</dt><dd>Lò Thị Mai</dd></dl></main>'
# A page that breaks one check, and the words its failure names.
BROKEN = {
    "axe": ('<main><h1>Học Số</h1><img src="/anh.png"></main>', "image-alt"),  # an image without alt
    "scroll": ('<main><h1>Học Số</h1><p style="width: 900px">Một dòng rất dài</p></main>', "horizontal scroll"),
    "foreign": ('<main><h1>Học Số</h1><img alt="" src="https://cdn.example.net/anh.png"></main>', "cdn.example.net"),
    "narrow": (
        '<main><h1>Học Số</h1><dl class="data-list"><dt>Mã</dt><dd style="width: 5em">7K3M</dd></dl></main>',
        "narrower than 40 %",
    ),
}
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6300010000050001a5f645400000000049454e44ae426082"
)


def serve(route):
    """Every request on SITE gets the page named by its path (or a 1-pixel image); others are refused."""
    url = route.request.url
    if not url.startswith(SITE):
        route.abort()
    elif url.endswith(".png"):
        route.fulfill(status=200, content_type="image/png", body=PNG)
    else:
        name = url.removeprefix(SITE + "/")
        body = CLEAN if name == "clean" else BROKEN[name][0]
        html = f'<!DOCTYPE html><html lang="vi"><head><title>Học Số</title></head><body>{body}</body></html>'
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)


@pytest.mark.parametrize("broken", [None, *BROKEN])
def test_each_check_fails_on_a_page_that_breaks_it(chromium, broken):
    context = chromium.new_context(viewport={"width": 360, "height": 740})
    context.route("**/*", serve)
    page = context.new_page()
    check = PageChecks(page, SITE)
    try:
        page.goto(f"{SITE}/{broken or 'clean'}")
        if broken is None:
            check(values_wide=True)  # a clean page passes
        else:
            with pytest.raises(AssertionError, match=BROKEN[broken][1]):
                check(values_wide=True)
    finally:
        context.close()
