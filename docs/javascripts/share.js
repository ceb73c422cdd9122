// The share bar's two buttons (overrides/partials/share.html). Both are rendered hidden, so a
// reader without JavaScript sees only the links that work anyway; each is shown here only when
// the browser has what it needs:
//   リンクをコピー  the Clipboard API; copies the page's published URL and says so aloud. Where the
//                  browser refuses to write (some in-app browsers), the URL shows selected in a
//                  box instead, to copy by hand with a long press.
//   共有…          the Web Share API (phones, some desktops); opens the system share sheet.
//
// And each red flag (details.red-flag[id]), the first time it is opened, gets a small row
// 「このサインを送る」 at its end: LINE and リンクをコピー, sending the link to that flag
// (page/#rf-…, which opens it) with its summary as the text. Made here, not written into every
// flag's markup: it costs the pages' first flight nothing, and without JavaScript it is not there.
//
// And the share icons (the bar's, the check's LINE button, a flag's send row) become inline <svg>s,
// drawn from the data share.css keeps for them: see there why not masks.
(() => {
  "use strict";

  const MESSAGE_MS = 4000;
  const SVG_DATA = /^url\(\s*["']?data:image\/svg\+xml(?:;charset=utf-8)?,(.*?)["']?\s*\)$/is;
  const drawn = new Map(); // --ik-share-icon's value: the <svg> made from it, to copy

  for (const span of document.querySelectorAll(".ik-share__icon")) draw(span);

  for (const bar of document.querySelectorAll("[data-ik-share]")) {
    const url = bar.dataset.url;
    const title = bar.dataset.title;
    const status = bar.querySelector("[data-ik-share-status]");
    const copy = bar.querySelector("[data-ik-share-copy]");
    const native = bar.querySelector("[data-ik-share-native]");
    let timer = 0;

    const say = (text, failed = false) => {
      clearTimeout(timer);
      status.textContent = text;
      status.classList.toggle("ik-share__status--failed", failed);
      timer = setTimeout(() => { status.textContent = ""; }, MESSAGE_MS);
    };

    if (copy && navigator.clipboard && typeof navigator.clipboard.writeText === "function") {
      copy.hidden = false;
      copy.parentElement.hidden = false;
      const manual = manualCopyBox(copy.parentElement, status, url);
      copy.addEventListener("click", async () => {
        manual.hidden = true;
        try {
          await navigator.clipboard.writeText(url);
          say("コピーしました");
        } catch {
          manual.hidden = false;
          const field = manual.querySelector("input");
          field.focus();
          field.setSelectionRange(0, url.length); // select() alone selects nothing on iOS
          field.scrollLeft = 0; // show where the address starts
          say("自動ではコピーできませんでした。下のアドレスを長押しして「コピー」を選んでください", true);
        }
      });
    }

    if (native && typeof navigator.share === "function") {
      native.hidden = false;
      native.parentElement.hidden = false;
      native.addEventListener("click", async () => {
        try {
          await navigator.share({ title, url });
        } catch (error) {
          // AbortError: the reader closed the share sheet, which needs no message.
          if (error && error.name !== "AbortError") say("共有できませんでした。リンクをコピーして送ってください。");
        }
      });
    }
  }

  // Red flags --------------------------------------------------------------------------------

  const LINE_SHARE = "https://social-plugins.line.me/lineit/share"; // as in share.html
  const shareBar = document.querySelector("[data-ik-share]");
  const canonical = document.querySelector("link[rel=canonical]");
  const page = (shareBar ? shareBar.dataset.url : canonical ? canonical.href : location.href).split("#")[0];

  for (const flag of document.querySelectorAll("details.red-flag[id]")) {
    if (flag.open) flagSender(flag);
    flag.addEventListener("toggle", () => {
      if (flag.open) flagSender(flag);
    });
  }

  function flagSender(flag) {
    if (flag.querySelector(":scope > .ik-flag-send")) return;
    const url = `${page}#${flag.id}`;
    const summary = flag.querySelector(":scope > summary");
    const title = summary ? summary.textContent.trim() : "";
    const text = `${title}\n${url}`;

    const row = element("div", "ik-flag-send");
    const label = element("p", "ik-flag-send__label", "このサインを送る");
    const line = element("a", "ik-flag-send__button");
    line.href = `${LINE_SHARE}?url=${encodeURIComponent(url)}&text=${encodeURIComponent(title)}`;
    line.target = "_blank";
    line.rel = "noopener noreferrer";
    line.append(icon("ik-share__icon ik-share__icon--line"), "LINEで送る",
      element("span", "ik-visually-hidden", "(新しいタブで開きます)"));
    const copy = element("button", "ik-flag-send__button");
    copy.type = "button";
    copy.append(icon("ik-share__icon ik-share__icon--copy"), "リンクをコピー");
    const status = element("p", "ik-flag-send__status");
    status.setAttribute("role", "status");
    const manual = element("p", "ik-flag-send__manual");
    manual.hidden = true;
    const field = element("textarea");
    field.id = `ik-flag-send-${flag.id}`;
    field.readOnly = true;
    field.rows = 3;
    field.value = text;
    const fieldLabel = element("label", "", "このサインのリンク(長押しして「コピー」)");
    fieldLabel.htmlFor = field.id;
    manual.append(fieldLabel, field);
    row.append(label, line, copy, status, manual);
    flag.append(row);
    for (const span of row.querySelectorAll(".ik-share__icon")) draw(span); // in the page: its style says which

    let timer = 0;
    const say = (message) => {
      clearTimeout(timer);
      status.textContent = message;
      timer = setTimeout(() => { status.textContent = ""; }, MESSAGE_MS);
    };
    copy.addEventListener("click", async () => {
      manual.hidden = true;
      try {
        await navigator.clipboard.writeText(text);
        say("コピーしました");
      } catch {
        manual.hidden = false;
        field.focus();
        field.setSelectionRange(0, text.length); // select() alone selects nothing on iOS
        say("自動ではコピーできませんでした。下の枠を長押しして「コピー」を選んでください");
      }
    });
  }

  function element(tag, className = "", text = "") {
    const made = document.createElement(tag);
    if (className) made.className = className;
    if (text) made.textContent = text;
    return made;
  }

  function icon(className) {
    const made = element("span", className);
    made.setAttribute("aria-hidden", "true");
    return made;
  }

  // The icon a span stands for, as an inline <svg> inside it; nothing when its data is not an
  // SVG data: URI (the span then stays an empty box, as it was before this ran).
  function draw(span) {
    if (span.firstElementChild) return;
    const value = getComputedStyle(span).getPropertyValue("--ik-share-icon").trim();
    if (!drawn.has(value)) {
      const match = SVG_DATA.exec(value);
      let svg = null;
      if (match) {
        let text = match[1];
        try { text = decodeURIComponent(text); } catch { /* already plain text */ }
        const parsed = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
        if (parsed.namespaceURI === "http://www.w3.org/2000/svg" && parsed.localName === "svg") svg = parsed;
      }
      drawn.set(value, svg);
    }
    const svg = drawn.get(value);
    if (!svg) return;
    const copy = document.importNode(svg, true);
    copy.setAttribute("aria-hidden", "true");
    copy.setAttribute("focusable", "false");
    span.append(copy);
  }

  // The page's address in a read-only field under the buttons, hidden until copying fails.
  function manualCopyBox(actions, status, url) {
    const box = document.createElement("p");
    box.className = "ik-share__manual";
    box.hidden = true;
    const label = document.createElement("label");
    const field = document.createElement("input");
    field.type = "text";
    field.id = "ik-share-manual";
    field.readOnly = true;
    field.value = url;
    label.htmlFor = field.id;
    label.textContent = "このページのアドレス";
    box.append(label, field);
    actions.insertBefore(box, status.nextSibling);
    return box;
  }
})();
