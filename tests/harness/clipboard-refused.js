// Test-only: the Clipboard API is there but refuses to write, as in some in-app browsers.
// Loaded before the page's scripts (Playwright init script; in WebKit, the test server).
(() => {
  const refuse = () => Promise.reject(new DOMException("Write permission denied.", "NotAllowedError"));
  if (navigator.clipboard) {
    Object.defineProperty(navigator.clipboard, "writeText", { value: refuse, configurable: true });
    Object.defineProperty(navigator.clipboard, "write", { value: refuse, configurable: true });
  }
})();
