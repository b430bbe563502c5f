// The participant's entry pages. Everything works without this file (plain form posts); with
// it: a form is sent only once, the last keystrokes are saved when the page is left, and files
// go up through the resumable uploader (tus) with a progress bar, resuming after a dropped
// connection or a reload, then are added to the entry. Autosave itself is htmx (hx-post).
(function () {
  "use strict";

  // --- the CSRF token as the cookie has it now ---
  // Signing in again (in another tab) gives a new token; a page opened before would then be
  // refused on every save. Each post therefore carries the cookie's current token.
  function csrfCookie() {
    var found = document.cookie.split(";").map(function (part) { return part.trim(); })
      .filter(function (part) { return part.indexOf("csrftoken=") === 0; })[0];
    return found ? decodeURIComponent(found.slice("csrftoken=".length)) : "";
  }
  function freshToken(form) {
    var token = csrfCookie();
    var field = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    if (token && field) { field.value = token; }
  }
  document.addEventListener("submit", function (event) { freshToken(event.target); }, true);
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfCookie();
    if (token && event.detail.verb !== "get") {
      event.detail.headers["X-CSRFToken"] = token;
      event.detail.parameters["csrfmiddlewaretoken"] = token;
    }
  });

  // --- a form sent once (a double click must not send twice; the server refuses anyway) ---
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-once") || event.defaultPrevented) {
      return;
    }
    if (form.getAttribute("data-sent") === "yes") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-sent", "yes");
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = true;
      });
    }, 0);
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sent]").forEach(function (form) {
      form.removeAttribute("data-sent");
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = false;
      });
    });
  });

  // --- nothing typed is lost on the way out ---
  // The autosave (htmx) waits for a pause in typing, and each save carries the entry's version,
  // which the answer moves on. Leaving the page by a link or a button while a save is pending
  // or under way would lose the last words, or send them with a version about to be outdated
  // (refused as changed elsewhere): so links and buttons wait for the saves to finish, and a
  // closing tab sends what is left with sendBeacon.
  var entryForm = document.getElementById("entry-form");
  if (entryForm) {
    var dirty = false;
    var inflight = 0;
    var resending = false;
    entryForm.addEventListener("input", function () { dirty = true; });
    entryForm.addEventListener("change", function () { dirty = true; });
    document.body.addEventListener("htmx:beforeRequest", function (event) {
      if (event.detail.elt === entryForm) {
        inflight += 1;
        dirty = false; // the values were read for this request
      }
    });
    document.body.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.elt === entryForm) {
        inflight = Math.max(inflight - 1, 0);
        if (event.detail.successful && retry === -1) { retry = null; }
      }
    });

    // A save that did not arrive (no network, a server error, the session ended) must not
    // leave "All changes saved" on the screen: say so, and try again shortly.
    var status = document.getElementById("autosave-status");
    var retry = null;
    var notSaved = function (name) {
      if (status) {
        status.textContent = "";
        var line = document.createElement("span");
        line.className = "autosave is-refused";
        line.textContent = entryForm.getAttribute("data-text-" + name) || "";
        status.appendChild(line);
      }
      dirty = true;
      if (!retry && window.htmx) {
        retry = window.setTimeout(function () {
          retry = null;
          window.htmx.trigger(entryForm, "change");
        }, 5000);
      }
    };
    document.body.addEventListener("htmx:sendError", function (event) {
      if (event.detail.elt === entryForm) { notSaved("offline"); }
    });
    document.body.addEventListener("htmx:responseError", function (event) {
      if (event.detail.elt === entryForm) { notSaved("failed"); }
    });
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      // Sent to the sign-in page (the session ended): never paste that page into this one.
      var xhr = event.detail.xhr;
      var asked = event.detail.requestConfig && event.detail.requestConfig.path;
      if (xhr && xhr.responseURL && asked &&
          new URL(xhr.responseURL).pathname !== new URL(asked, window.location.href).pathname) {
        event.detail.shouldSwap = false;
        if (event.detail.requestConfig.elt === entryForm) {
          window.clearTimeout(retry);
          retry = -1; // no retry: signing in again is needed first
          notSaved("signed-out");
        }
      }
    });

    // Call `done` once no save is pending or under way (at most ten seconds).
    var flush = function (done) {
      var waited = 0;
      var step = function () {
        if (waited < 10000 && inflight > 0) {
          waited += 50;
          window.setTimeout(step, 50);
        } else if (waited < 10000 && dirty && window.htmx) {
          window.htmx.trigger(entryForm, "change");
          waited += 50;
          window.setTimeout(step, 50);
        } else {
          done();
        }
      };
      step();
    };

    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href]");
      if (!link || link.target || link.hasAttribute("download") || event.button !== 0 ||
          event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
        return;
      }
      if (!dirty && inflight === 0) {
        return;
      }
      event.preventDefault();
      flush(function () { window.location.href = link.href; });
    });

    entryForm.addEventListener("submit", function (event) {
      if (resending || inflight === 0 || !entryForm.requestSubmit) {
        return; // the plain post carries every field and the version the page holds
      }
      event.preventDefault();
      var submitter = event.submitter;
      var waited = 0;
      var wait = function () {
        if (inflight > 0 && waited < 10000) {
          waited += 50;
          window.setTimeout(wait, 50);
          return;
        }
        resending = true; // now with the version the last save gave back
        entryForm.requestSubmit(submitter || undefined);
      };
      wait();
    });

    window.addEventListener("pagehide", function () {
      if (dirty && inflight === 0 && navigator.sendBeacon) {
        freshToken(entryForm);
        navigator.sendBeacon(entryForm.getAttribute("hx-post"), new FormData(entryForm));
        dirty = false;
      }
    });
  }

  // --- files ---
  var form = document.getElementById("upload-form");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var input = form.querySelector("input[type=file]");
  var roleSelect = form.querySelector("select[name=role]");
  var progress = document.getElementById("upload-progress");
  var bar = document.getElementById("upload-bar");
  var status = document.getElementById("upload-status");
  var stop = document.getElementById("upload-stop");
  var sendButton = document.getElementById("upload-send");
  var errors = document.getElementById("err-upload");
  var resume = document.getElementById("upload-resume");
  var endpoint = new URL(form.dataset.endpoint, window.location.href).href;
  var pendingKey = "entry-attach::" + form.dataset.entry;
  var running = null;

  function say(name, values) {
    var text = form.getAttribute("data-text-" + name) || "";
    Object.keys(values || {}).forEach(function (key) {
      text = text.split("{" + key + "}").join(String(values[key]));
    });
    return text;
  }

  function megabytes(bytes) {
    var value = bytes / (1024 * 1024);
    var language = document.documentElement.lang || "vi";
    return value.toLocaleString(language, { maximumFractionDigits: 1 }) + " MB";
  }

  function showError(text) {
    errors.textContent = "";
    if (text) {
      var line = document.createElement("p");
      line.textContent = text;
      errors.appendChild(line);
    }
  }

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  // Uploads finished but not yet added to the entry (the page was left in between).
  function pending() {
    var store = storage();
    try { return JSON.parse((store && store.getItem(pendingKey)) || "[]"); } catch (e) { return []; }
  }

  function setPending(items) {
    var store = storage();
    if (!store) { return; }
    try {
      if (items.length) { store.setItem(pendingKey, JSON.stringify(items)); }
      else { store.removeItem(pendingKey); }
    } catch (e) { /* storage full: the upload itself is not lost, it can be sent again */ }
  }

  function acceptFor(role) {
    var item = form.querySelector(".role-kinds [data-role='" + role + "']");
    return item ? item.getAttribute("data-accept") : "";
  }

  if (roleSelect) {
    var setAccept = function () { input.setAttribute("accept", acceptFor(roleSelect.value)); };
    roleSelect.addEventListener("change", setAccept);
    setAccept();
  }

  // Add a finished upload to the entry; the list of files comes back to replace ours.
  function attach(key, role) {
    var data = new FormData();
    freshToken(form);
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    data.append("role", role);
    data.append("upload_key", key);
    return fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "HX-Request": "true" }
    }).then(function (response) {
      return response.text().then(function (html) {
        if (!response.ok) { throw new Error(String(response.status)); }
        var added = (response.headers.get("HX-Trigger") || "").indexOf("entrySaved") >= 0;
        if (window.htmx) {
          window.htmx.swap("#entry-files-list", html, { swapStyle: "outerHTML" });
          if (added) { window.htmx.trigger(document.body, "entrySaved"); }
        }
        return added;
      });
    });
  }

  function retryPending() {
    pending().forEach(function (item) {
      attach(item.key, item.role).then(function () {
        setPending(pending().filter(function (other) { return other.key !== item.key; }));
      }).catch(function () { /* kept: tried again on the next visit */ });
    });
  }

  // Uploads the tus client remembers (stopped part-way): say which, so the same file is chosen.
  function listUnfinished() {
    var store = storage();
    if (!store || !resume) { return; }
    var prefix = "tus-upload::" + endpoint + "::entry::";
    var lines = [];
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key && key.indexOf(prefix) === 0) {
        var parts = key.slice(prefix.length).split("::");
        parts.pop(); // modification time
        var size = Number(parts.pop());
        lines.push(say("unfinished", { name: parts.join("::"), size: megabytes(size) }));
      }
    }
    resume.textContent = "";
    lines.forEach(function (text) {
      var line = document.createElement("p");
      line.textContent = text;
      resume.appendChild(line);
    });
    resume.hidden = lines.length === 0;
  }

  function finish() {
    running = null;
    stop.hidden = true;
    sendButton.disabled = false;
    listUnfinished();
  }

  stop.addEventListener("click", function () {
    if (running) {
      running.abort();
      status.textContent = say("paused");
    }
  });

  window.addEventListener("beforeunload", function (event) {
    if (running) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  form.addEventListener("submit", function (event) {
    var file = input.files && input.files[0];
    if (!file || !window.htmx) {
      return; // the plain post says what is missing, or sends the file itself
    }
    event.preventDefault();
    if (running) { return; }
    showError("");
    var limit = Number(form.dataset.maxBytes || 0);
    if (limit && file.size > limit) {
      showError(say("too-large", { size: megabytes(file.size), limit: megabytes(limit) }));
      return;
    }
    var role = roleSelect ? roleSelect.value : "main";
    sendButton.disabled = true;
    progress.hidden = false;
    stop.hidden = false;
    bar.value = 0;
    import(form.dataset.tusModule).then(function (module) {
      var upload = new module.TusUpload(file, {
        endpoint: form.dataset.endpoint, metadata: { purpose: "entry" }
      });
      running = upload;
      upload.addEventListener("progress", function (e) {
        var percent = e.detail.bytesTotal ? Math.floor(100 * e.detail.bytesSent / e.detail.bytesTotal) : 100;
        bar.value = percent;
        status.textContent = say("progress", {
          percent: percent, sent: megabytes(e.detail.bytesSent), total: megabytes(e.detail.bytesTotal)
        });
      });
      upload.addEventListener("retry", function () { status.textContent = say("retrying"); });
      return upload.start();
    }).then(function (result) {
      var key = new URL(result.url).pathname.split("/").filter(Boolean).pop();
      setPending(pending().concat([{ key: key, role: role, name: file.name }]));
      stop.hidden = true;
      status.textContent = say("attaching");
      return attach(key, role).then(function (added) {
        setPending(pending().filter(function (item) { return item.key !== key; }));
        if (added) {
          status.textContent = say("done", { name: file.name });
          input.value = "";
        } else {
          status.textContent = "";
          progress.hidden = true;
        }
      });
    }).catch(function (error) {
      if (running && running._aborted) {
        return; // paused by the participant
      }
      var reason = error && error.status === 413 ? say("too-large", {
        size: megabytes(file.size), limit: megabytes(limit || file.size)
      }) : say("failed", { reason: (error && error.message) || String(error) });
      showError(reason);
      status.textContent = "";
    }).then(finish, finish);
  });

  listUnfinished();
  retryPending();
})();
