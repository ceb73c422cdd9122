// The share bar's two buttons (overrides/partials/share.html). Both are rendered hidden, so a
// reader without JavaScript sees only the links that work anyway; each is shown here only when
// the browser has what it needs:
//   リンクをコピー  the Clipboard API; copies the page's published URL and says so aloud. Where the
//                  browser refuses to write (some in-app browsers), the URL shows selected in a
//                  box instead, to copy by hand with a long press.
//   共有…          the Web Share API (phones, some desktops); opens the system share sheet.
(() => {
  "use strict";

  const MESSAGE_MS = 4000;

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
