/*
 * PIMAP embeds for partner sites. Paste where the showcase should appear:
 *   <div data-pimap-embed="smes/lumicrest-ultrafast"></div>
 *   <script src="https://SITE/embed.js" async></script>
 * Each such element gets an <iframe> of SITE/embed/<value>/ (replacing its content, e.g. a
 * fallback link), or of SITE/<lang>/embed/<value>/ with data-pimap-lang="<lang>" (fr, sv...).
 * Height messages are obeyed only from our origin and our own iframes.
 */
(function () {
  "use strict";
  // Capture our own URL now: document.currentScript is null once an async script yields.
  const ownName = /\/embed\.js(?:[?#]|$)/;
  let script = document.currentScript;
  if (!script) {
    // Fallback: the last script on the page whose URL ends in /embed.js.
    const all = document.querySelectorAll("script[src]");
    for (let i = all.length - 1; i >= 0 && !script; i--) {
      if (ownName.test(all[i].src)) script = all[i];
    }
  }
  if (window.pimapEmbed) {
    // Included twice: the first copy does the work.
    window.pimapEmbed.scan();
    return;
  }
  if (!script || !script.src) return;

  const root = new URL(".", script.src).href; // e.g. https://SITE/ or https://SITE/sub/
  const origin = new URL(root).origin;
  const valid = /^[a-z0-9-]+(\/[a-z0-9-]+)*$/;
  const validLanguage = /^[a-z]{2,3}(-[a-z0-9]+)*$/i;
  const frames = []; // the iframes made here, to match event.source
  const MAX_HEIGHT = 10000;

  function scan() {
    const found = document.querySelectorAll("[data-pimap-embed]:not([data-pimap-embed-done])");
    for (const el of found) {
      el.setAttribute("data-pimap-embed-done", "");
      const value = el.getAttribute("data-pimap-embed").trim();
      if (!valid.test(value)) continue; // not a PIMAP path: ignore it
      const language = (el.getAttribute("data-pimap-lang") || "").trim();
      const folder = validLanguage.test(language) ? language + "/" : "";
      const frame = document.createElement("iframe");
      frame.title = el.getAttribute("data-pimap-title") || "PIMAP showcase: " + value;
      frame.setAttribute("loading", "lazy");
      frame.setAttribute(
        "sandbox",
        "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox " +
          "allow-top-navigation-by-user-activation"
      );
      frame.style.cssText = "width:100%;border:0;display:block;height:320px";
      frame.src = root + folder + "embed/" + value + "/";
      el.textContent = "";
      el.appendChild(frame);
      frames.push(frame);
    }
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== origin) return;
    const data = event.data;
    if (!data || typeof data !== "object" || data.type !== "pimap-embed-height") return;
    const height = data.height;
    if (typeof height !== "number" || !isFinite(height) || height <= 0) return;
    for (const frame of frames) {
      if (frame.contentWindow && frame.contentWindow === event.source) {
        frame.style.height = Math.min(Math.ceil(height), MAX_HEIGHT) + "px";
        return;
      }
    }
  });

  window.pimapEmbed = { version: "1", scan: scan };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
  scan();
})();
