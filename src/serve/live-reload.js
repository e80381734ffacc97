// Injected by `pimap serve` only: reloads the page when a rebuild changes it (or a file that is
// not a page), swaps stylesheets without a reload, and shows build errors over the page until
// they are fixed. It names its page and the version of it it was served, so that the server
// tells it to reload only when that page changed.
(function () {
  "use strict";
  var script = document.currentScript;
  var version = script ? script.getAttribute("data-version") : null;
  var key = "pimap-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    var y = parseInt(saved, 10);
    var restore = function () { window.scrollTo(0, y); };
    if (document.readyState === "complete") restore(); else window.addEventListener("load", restore);
  }
  var overlay = null;
  function showErrors(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "pimap-error-overlay";
      overlay.setAttribute("role", "alertdialog");
      overlay.setAttribute("aria-label", "The site has errors");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(11,30,63,.96);color:#fff;padding:1.5rem;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace";
      var title = document.createElement("h2");
      title.textContent = "The site has errors. The last good version is shown; fix the file and save to continue.";
      title.style.cssText = "font:600 18px/1.3 system-ui,sans-serif;margin:0 0 1rem;color:#ffd23f";
      var pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:0";
      overlay.appendChild(title);
      overlay.appendChild(pre);
      document.body.appendChild(overlay);
    }
    overlay.lastChild.textContent = text;
  }
  function hideErrors() {
    if (overlay) { overlay.remove(); overlay = null; }
  }
  function swapStylesheets() {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href);
      url.searchParams.set("pimap-reload", String(Date.now()));
      links[i].href = url.toString();
    }
  }
  var query = "?page=" + encodeURIComponent(location.pathname);
  if (version) query += "&shown=" + encodeURIComponent(version);
  var source = new EventSource("/__pimap/events" + query);
  source.addEventListener("reload", function () {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  });
  source.addEventListener("css", function () { hideErrors(); swapStylesheets(); });
  source.addEventListener("errors", function (event) { showErrors(event.data); });
  source.addEventListener("fixed", hideErrors);
  // The server closed this stream to make room for a newer page's: do not reconnect.
  source.addEventListener("closed", function () { source.close(); });
})();
