// The share bar's two buttons (overrides/partials/share.html). Both are rendered hidden, so a
// reader without JavaScript sees only the links that work anyway; each is shown here only when
// the browser has what it needs:
//   リンクをコピー  the Clipboard API; copies the page's published URL and says so aloud.
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

    const say = (text) => {
      clearTimeout(timer);
      status.textContent = text;
      timer = setTimeout(() => { status.textContent = ""; }, MESSAGE_MS);
    };

    if (copy && navigator.clipboard && typeof navigator.clipboard.writeText === "function") {
      copy.hidden = false;
      copy.parentElement.hidden = false;
      copy.addEventListener("click", async () => {
        try {
          await navigator.clipboard.writeText(url);
          say("コピーしました");
        } catch {
          say(`コピーできませんでした。アドレス:${url}`);
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
})();
