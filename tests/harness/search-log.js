// Notes what Material's search worker is asked and answers, for tests/search_box.py
// (added before the page's scripts: a Playwright init script, or by the WebKit test server).
(() => {
  const log = window.__searchLog = { sent: [], results: 0, ready: 0, shown: [], inputs: [] };
  const Native = window.Worker;
  window.Worker = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        const type = event.data && event.data.type;
        if (type === 1) log.ready = performance.now();
        if (type === 3) {
          const query = log.sent[log.results++];
          query.received = performance.now();
          // Material renders in its own listener, after this one: the next frame shows it.
          requestAnimationFrame(() => { query.shown = performance.now(); });
        }
      });
    }
    postMessage(message, ...rest) {
      if (message && message.type === 2) log.sent.push({ value: message.data, at: performance.now() });
      return super.postMessage(message, ...rest);
    }
  };
  addEventListener("input", (event) => {
    if (event.target.matches && event.target.matches(".md-search__input"))
      log.inputs.push({ value: event.target.value, at: event.timeStamp, composing: event.isComposing });
  }, true);
  document.addEventListener("DOMContentLoaded", () => {
    const meta = document.querySelector(".md-search-result__meta");
    if (meta) new MutationObserver(() => log.shown.push(meta.textContent)).observe(meta, { childList: true, characterData: true, subtree: true });
  });
})();
