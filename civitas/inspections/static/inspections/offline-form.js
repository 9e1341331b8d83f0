/* Keeps the answers in localStorage (photos excepted) and retries the submit with the same key. */
(function () {
  var form = document.getElementById("inspection-form");
  if (!form || !window.fetch || !window.FormData) return;
  var store = "civitas.inspection." + form.dataset.task;
  var status = document.getElementById("sync-status");
  var button = document.getElementById("submit-inspection");
  function load() { try { return JSON.parse(localStorage.getItem(store) || "{}"); } catch (e) { return {}; } }
  function fields(fn) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && el.type !== "file" && el.name !== "csrfmiddlewaretoken") fn(el);
    });
  }
  function save() {
    var data = {};
    fields(function (el) {
      if (el.type === "radio" || el.type === "checkbox") { if (el.checked) data[el.name] = el.value; }
      else data[el.name] = el.value;
    });
    try { localStorage.setItem(store, JSON.stringify(data)); status.textContent = status.dataset.saved; } catch (e) {}
  }
  var saved = load();
  if (form.dataset.fresh === "1") {
    fields(function (el) {
      if (!(el.name in saved)) return;
      if (el.type === "radio") el.checked = saved[el.name] === el.value; else el.value = saved[el.name];
    });
  }
  var key = form.elements.idempotency_key;
  if (!saved.idempotency_key && form.dataset.fresh === "1" && window.crypto && crypto.randomUUID) {
    key.value = crypto.randomUUID().replace(/-/g, "");
  }
  save();
  form.addEventListener("change", save);
  form.addEventListener("input", save);
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    save();
    var body = new FormData(form);
    var attempt = 0;
    button.disabled = true;
    function send() {
      attempt += 1;
      status.textContent = status.dataset.sending;
      fetch(form.getAttribute("action") || window.location.href, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (resp) {
          if (resp.status >= 500) throw new Error("server " + resp.status);
          if (resp.redirected) { localStorage.removeItem(store); window.location.assign(resp.url); return; }
          return resp.text().then(function (html) { document.open(); document.write(html); document.close(); });
        })
        .catch(function () {
          var wait = Math.min(30, Math.pow(2, attempt));
          status.textContent = status.dataset.offline.replace("{s}", wait);
          window.setTimeout(send, wait * 1000);
        });
    }
    send();
  });
})();
