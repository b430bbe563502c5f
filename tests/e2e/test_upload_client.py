"""The browser's tus client (uploads/static/uploads/tus-upload.js) in Chromium against the real
server: a whole upload in pieces, then one stopped half-way, the page reloaded and resumed."""

from urllib.parse import urlsplit

import pytest
from django.test import Client

from giaithuong.uploads.models import Upload

MiB = 1024 * 1024

# Deterministic bytes (xorshift), so the reloaded page rebuilds the very same file.
MAKE_FILE = """() => {
window.makeFile = (size, seed) => {
  const bytes = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    bytes[i] = x & 0xff;
  }
  return new File([bytes], "Phóng sự Biển đảo.mp4",
                  { type: "video/mp4", lastModified: 1767225600000 });
};
window.sha256 = async (file) => {
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
};
}"""


@pytest.fixture
def participant(transactional_db):
    from giaithuong.accounts.roles import Role
    from giaithuong.accounts.services import create_user, grant_role

    user = create_user(username="u-browser", password="Mật-khẩu-thử-2026", full_name="Tác giả")
    grant_role(user, Role.PARTICIPANT)
    return user


@pytest.fixture
def signed_in_page(live_server, page, participant):
    client = Client()
    client.force_login(participant)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
    page.goto(live_server.url + "/healthz")
    page.evaluate(MAKE_FILE)
    return page


def test_a_whole_upload_in_pieces(signed_in_page):
    page = signed_in_page
    outcome = page.evaluate("""async () => {
        const { TusUpload } = await import("/static/uploads/tus-upload.js");
        const file = makeFile(9 * 1024 * 1024 + 123, 7);
        const upload = new TusUpload(file, { chunkSize: 4 * 1024 * 1024,
                                             metadata: { purpose: "entry" } });
        const seen = [];
        upload.addEventListener("progress", (e) => seen.push(e.detail.bytesSent));
        const result = await upload.start();
        return { result, expected: await sha256(file), seen,
                 remembered: Object.keys(localStorage).length };
    }""")
    assert outcome["result"]["sha256"] == outcome["expected"]
    assert outcome["seen"][-1] == 9 * MiB + 123
    assert outcome["remembered"] == 0  # forgotten once finished
    upload = Upload.objects.get()
    assert upload.sha256 == outcome["expected"] and upload.filename == "Phóng sự Biển đảo.mp4"
    assert upload.declared_type == "video/mp4"


def test_stopped_reloaded_and_resumed(signed_in_page):
    page = signed_in_page
    size = 6 * MiB + 5
    stopped = page.evaluate("""async (size) => {
        const { TusUpload } = await import("/static/uploads/tus-upload.js");
        const upload = new TusUpload(makeFile(size, 42), { chunkSize: 1024 * 1024 });
        upload.addEventListener("progress", (e) => {
            if (e.detail.bytesSent >= 3 * 1024 * 1024) upload.abort();
        });
        try { await upload.start(); return "finished"; } catch (e) { return e.message; }
    }""", size)
    assert stopped == "The upload was stopped."
    assert 0 < Upload.objects.get().offset < size

    page.reload()
    page.evaluate(MAKE_FILE)
    requests, heads = [], []
    page.on("request", lambda r: urlsplit(r.url).path.startswith("/uploads/") and requests.append(
        (r.method, r.headers.get("upload-offset"))))
    page.on("response", lambda r: r.request.method == "HEAD" and heads.append(
        int(r.headers["upload-offset"])))
    outcome = page.evaluate("""async (size) => {
        const { TusUpload } = await import("/static/uploads/tus-upload.js");
        const file = makeFile(size, 42);
        const result = await new TusUpload(file, { chunkSize: 1024 * 1024 }).start();
        return { result, expected: await sha256(file) };
    }""", size)
    assert outcome["result"]["sha256"] == outcome["expected"] == Upload.objects.get().sha256
    methods = [method for method, _ in requests]
    assert "POST" not in methods and methods[0] == "HEAD"  # the same upload, asked where it was
    first_patch = next(offset for method, offset in requests if method == "PATCH")
    assert 0 < int(first_patch) == heads[0] < size  # went on from what the server held
