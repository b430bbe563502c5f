"""Speaking tus to the app: through Django's test client, or over a real socket."""

from __future__ import annotations

import http.client
import socket
from urllib.parse import urlsplit

from giaithuong.uploads.tus import OFFSET_CONTENT_TYPE, encode_metadata

ORIGIN = "http://testserver"
TUS = {"Tus-Resumable": "1.0.0"}


class ClientTus:
    """tus over django.test.Client, as a page of this site would send it (Origin set)."""

    def __init__(self, client, *, origin: str | None = ORIGIN, token: str | None = None):
        self.client = client
        self.base = dict(TUS)
        if origin:
            self.base["Origin"] = origin
        if token:
            self.base["Authorization"] = f"Bearer {token}"

    def _headers(self, extra):
        return {**self.base, **(extra or {})}

    def create(self, length: int, metadata: dict | None = None, headers=None):
        h = {"Upload-Length": str(length)}
        if metadata:
            h["Upload-Metadata"] = encode_metadata(metadata)
        return self.client.post("/uploads/", headers=self._headers({**h, **(headers or {})}))

    def patch(self, url: str, offset: int, data: bytes, headers=None,
              content_type: str = OFFSET_CONTENT_TYPE):
        # CONTENT_TYPE too: the test client drops content_type when the body is empty.
        return self.client.generic("PATCH", url, data=data, content_type=content_type,
                                   headers=self._headers({"Upload-Offset": str(offset),
                                                          **(headers or {})}),
                                   CONTENT_TYPE=content_type)

    def head(self, url: str, headers=None):
        return self.client.head(url, headers=self._headers(headers))

    def delete(self, url: str, headers=None):
        return self.client.delete(url, headers=self._headers(headers))

    def upload(self, data: bytes, *, piece: int, metadata: dict | None = None) -> str:
        response = self.create(len(data), metadata)
        assert response.status_code == 201, response.content
        url = response["Location"]
        offset = 0
        while offset < len(data):
            response = self.patch(url, offset, data[offset:offset + piece])
            assert response.status_code == 204, response.content
            offset = int(response["Upload-Offset"])
        return url


class SocketTus:
    """tus over real TCP connections to a running server, authenticated by an API token."""

    def __init__(self, base_url: str, token: str):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.auth = {"Authorization": f"Bearer {token}", **TUS}

    def _request(self, method: str, path: str, headers: dict, body: bytes = b""):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            conn.request(method, path, body=body or None, headers={**self.auth, **headers})
            response = conn.getresponse()
            response.read()
            return response.status, dict(response.getheaders())
        finally:
            conn.close()

    def create(self, length: int, metadata: dict | None = None) -> str:
        headers = {"Upload-Length": str(length)}
        if metadata:
            headers["Upload-Metadata"] = encode_metadata(metadata)
        status, headers = self._request("POST", "/uploads/", headers)
        assert status == 201, status
        return urlsplit(headers["Location"]).path

    def head(self, path: str) -> tuple[int, dict]:
        return self._request("HEAD", path, {})

    def offset(self, path: str) -> int:
        status, headers = self.head(path)
        assert status == 200, status
        return int(headers["Upload-Offset"])

    def patch(self, path: str, offset: int, data: bytes) -> tuple[int, dict]:
        return self._request("PATCH", path, {"Upload-Offset": str(offset),
                                             "Content-Type": OFFSET_CONTENT_TYPE}, data)

    def patch_cut_off(self, path: str, offset: int, declared: int, sent: bytes) -> None:
        """Declare `declared` bytes, send only `sent`, then drop the connection."""
        head = (f"PATCH {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                f"Authorization: {self.auth['Authorization']}\r\nTus-Resumable: 1.0.0\r\n"
                f"Upload-Offset: {offset}\r\nContent-Type: {OFFSET_CONTENT_TYPE}\r\n"
                f"Content-Length: {declared}\r\n\r\n").encode()
        with socket.create_connection((self.host, self.port), timeout=30) as conn:
            conn.sendall(head + sent)
            conn.shutdown(socket.SHUT_WR)
