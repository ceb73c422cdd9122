// Test-only: no Clipboard API at all, as on a page that is not a secure context or in an
// older in-app browser. Loaded before the page's scripts, like clipboard-refused.js. The test
// itself still reads the clipboard through window.__testClipboard (Chromium).
(() => {
  const real = navigator.clipboard;
  Object.defineProperty(Navigator.prototype, "clipboard", { get: () => undefined, configurable: true });
  Object.defineProperty(window, "__testClipboard", { value: real });
})();
