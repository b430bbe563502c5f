// A small tus 1.0 client for this site's resumable uploads (POST /uploads/, then PATCH pieces).
//
//   import { TusUpload } from "/static/uploads/tus-upload.js";
//   const upload = new TusUpload(file, { metadata: { purpose: "entry" } });
//   upload.addEventListener("progress", (e) => bar.value = e.detail.bytesSent / e.detail.bytesTotal);
//   const { url, sha256, contentType } = await upload.start();
//
// The upload URL is remembered in localStorage under the file's name, size and modification time,
// so after a page reload or a lost connection `start()` asks the server (HEAD) how much it holds
// and goes on from there. Pieces go as PATCH requests of `chunkSize` bytes (8 MiB); failures that
// may pass (network, 5xx, 423 busy, 409 offset moved) are retried after growing delays.
// Same-origin requests carry the session cookie and an Origin header, which the server requires.

const TUS_VERSION = "1.0.0";
const DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024;
const DEFAULT_RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000];
const STORAGE_PREFIX = "tus-upload::";

export class UploadError extends Error {
  constructor(message, { status = 0, retryable = false } = {}) {
    super(message);
    this.name = "UploadError";
    this.status = status;
    this.retryable = retryable;
  }
}

function base64Utf8(text) {
  let binary = "";
  for (const byte of new TextEncoder().encode(String(text))) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function encodeMetadata(values) {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => (value === "" ? key : `${key} ${base64Utf8(value)}`))
    .join(",");
}

function sha256FromReprDigest(value) {
  const match = /sha-256=:([A-Za-z0-9+/=]+):/.exec(value || "");
  if (!match) return null;
  return Array.from(atob(match[1]), (c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("");
}

function defaultStorage() {
  try {
    return window.localStorage;
  } catch {
    return null; // private mode or storage disabled: uploads still work, only without resume
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// 409 (offset moved), 423 (another request busy), 429, 5xx and network failures may pass.
const retryableStatus = (status) => status === 0 || status === 409 || status === 423 ||
  status === 429 || status >= 500;

export class TusUpload extends EventTarget {
  constructor(file, options = {}) {
    super();
    this.file = file;
    this.endpoint = new URL(options.endpoint || "/uploads/", window.location.href).href;
    this.chunkSize = options.chunkSize || DEFAULT_CHUNK_SIZE;
    this.retryDelays = options.retryDelays || DEFAULT_RETRY_DELAYS;
    this.storage = options.storage === undefined ? defaultStorage() : options.storage;
    this.headers = options.headers || {};
    this.metadata = {
      filename: file.name,
      filetype: file.type || "",
      ...(options.metadata || {}),
    };
    this.url = null;
    this.offset = 0;
    this.result = null;
    this._xhr = null;
    this._aborted = false;
  }

  get fingerprint() {
    return STORAGE_PREFIX + [this.endpoint, this.metadata.purpose || "", this.file.name,
      this.file.size, this.file.lastModified].join("::");
  }

  // Upload the whole file (resuming a remembered upload); resolves to
  // { url, sha256, contentType } once the server has stored and checked every byte.
  async start() {
    this._aborted = false;
    let attempt = 0;
    for (;;) {
      try {
        if (!this.url) await this._resumeOrCreate();
        while (this.offset < this.file.size) {
          const before = this.offset;
          await this._patch();
          if (this.offset > before) attempt = 0; // progress resets the back-off
        }
        this.result = this.result || (await this._head());
        this._forget();
        this.dispatchEvent(new CustomEvent("success", { detail: this.result }));
        return this.result;
      } catch (error) {
        if (this._aborted) throw new UploadError("The upload was stopped.");
        const failure = error instanceof UploadError
          ? error : new UploadError(String(error), { retryable: true });
        if (!failure.retryable || attempt >= this.retryDelays.length) {
          this.dispatchEvent(new CustomEvent("error", { detail: failure }));
          throw failure;
        }
        const delay = this.retryDelays[attempt++];
        this.dispatchEvent(new CustomEvent("retry", { detail: { attempt, delay, error: failure } }));
        await sleep(delay);
        if (this._aborted) throw new UploadError("The upload was stopped.");
        if (this.url) await this._resync().catch(() => {}); // the next loop learns the offset
      }
    }
  }

  // Stop sending; the server keeps what it has, and a later start() resumes.
  abort() {
    this._aborted = true;
    if (this._xhr) this._xhr.abort();
  }

  // Stop and delete the upload on the server (tus termination).
  async cancel() {
    this.abort();
    const url = this.url || this._remembered();
    this._forget();
    this.url = null;
    if (url) await this._request("DELETE", url).catch(() => {});
  }

  _remembered() {
    if (!this.storage) return null;
    try {
      const saved = JSON.parse(this.storage.getItem(this.fingerprint) || "null");
      return saved && saved.url ? saved.url : null;
    } catch {
      return null;
    }
  }

  _remember() {
    if (!this.storage) return;
    try {
      const saved = JSON.stringify({ url: this.url, savedAt: Date.now() });
      this.storage.setItem(this.fingerprint, saved);
    } catch {
      // storage full or refused: resume after a reload will not be possible, the upload goes on
    }
  }

  _forget() {
    if (this.storage) {
      try { this.storage.removeItem(this.fingerprint); } catch { /* nothing to do */ }
    }
  }

  async _resumeOrCreate() {
    const remembered = this._remembered();
    if (remembered) {
      this.url = remembered;
      try {
        await this._resync();
        return;
      } catch (error) {
        if (error.retryable) throw error; // server unreachable: try the same URL again later
        this._forget(); // gone, expired or not ours: start afresh
        this.url = null;
      }
    }
    const response = await this._request("POST", this.endpoint, {
      "Upload-Length": String(this.file.size),
      "Upload-Metadata": encodeMetadata(this.metadata),
    });
    if (response.status !== 201) throw await this._failure(response);
    this.url = new URL(response.headers.get("Location"), this.endpoint).href;
    this.offset = 0;
    this.result = null;
    this._remember();
  }

  // HEAD: how many bytes the server durably holds.
  async _resync() {
    const response = await this._request("HEAD", this.url);
    if (response.status !== 200) throw await this._failure(response);
    if (Number(response.headers.get("Upload-Length")) !== this.file.size) {
      throw new UploadError("The remembered upload is for another file.", { status: 409 });
    }
    this.offset = Number(response.headers.get("Upload-Offset"));
    this.result = this._completed(response.headers);
    this._progress(this.offset);
  }

  async _head() {
    await this._resync();
    if (!this.result) {
      throw new UploadError("The server has not finished the upload.", { retryable: true });
    }
    return this.result;
  }

  _completed(headers) {
    const sha256 = sha256FromReprDigest(headers.get("Repr-Digest"));
    if (!sha256) return null;
    return { url: this.url, sha256, contentType: headers.get("Upload-Content-Type") };
  }

  _patch() {
    const start = this.offset;
    const end = Math.min(start + this.chunkSize, this.file.size);
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      this._xhr = xhr;
      xhr.open("PATCH", this.url);
      const headers = {
        ...this.headers,
        "Tus-Resumable": TUS_VERSION,
        "Upload-Offset": String(start),
        "Content-Type": "application/offset+octet-stream",
      };
      for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (event) => this._progress(start + event.loaded);
      xhr.onload = () => {
        this._xhr = null;
        if (xhr.status === 204) {
          this.offset = Number(xhr.getResponseHeader("Upload-Offset"));
          this.result = this._completed({ get: (name) => xhr.getResponseHeader(name) });
          this._progress(this.offset);
          resolve();
        } else {
          if (xhr.status === 404 || xhr.status === 410) {
            this._forget(); // expired or removed on the server: start again from nothing
            this.url = null;
          }
          reject(new UploadError(`${xhr.status}: ${xhr.responseText}`, {
            status: xhr.status,
            retryable: retryableStatus(xhr.status) || xhr.status === 404 || xhr.status === 410,
          }));
        }
      };
      xhr.onerror = () => {
        this._xhr = null;
        reject(new UploadError("The connection failed.", { retryable: true }));
      };
      xhr.onabort = () => {
        this._xhr = null;
        reject(new UploadError("The upload was stopped."));
      };
      xhr.send(this.file.slice(start, end));
    });
  }

  async _request(method, url, headers = {}) {
    try {
      return await fetch(url, {
        method,
        credentials: "same-origin",
        cache: "no-store",
        headers: { ...this.headers, "Tus-Resumable": TUS_VERSION, ...headers },
      });
    } catch (error) {
      throw new UploadError(`The connection failed: ${error}`, { retryable: true });
    }
  }

  async _failure(response) {
    const body = await response.text().catch(() => "");
    return new UploadError(`${response.status}: ${body}`, {
      status: response.status,
      retryable: retryableStatus(response.status),
    });
  }

  _progress(bytesSent) {
    this.dispatchEvent(new CustomEvent("progress", {
      detail: { bytesSent, bytesTotal: this.file.size },
    }));
  }
}
