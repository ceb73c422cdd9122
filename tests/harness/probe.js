// Test-only (tests/drivers.py): the test server puts this script first into every page it
// serves to WebKit, whose WebDriver offers no console log. It records what Chromium's
// DevTools report to Playwright: uncaught exceptions, console errors, resources that failed
// to load and Content-Security-Policy violations, plus every URL the page fetched. All go to
// sessionStorage, which the phone frame shares with the test, so they survive navigations.
(() => {
  "use strict";
  const append = (key, item) => {
    try {
      const list = JSON.parse(sessionStorage.getItem(key) || "[]");
      list.push(item);
      sessionStorage.setItem(key, JSON.stringify(list));
    } catch {
      /* storage full or off: nothing to record into */
    }
  };
  const problem = (text) => append("ik-test:problems", `${text} (${location.pathname})`);

  addEventListener("error", (event) => {
    const target = event.target;
    if (target && target !== window && (target.src || target.href)) {
      problem(`request failed: ${target.src || target.href}`);
    } else {
      problem(`exception: ${event.message} at ${event.filename}:${event.lineno}`);
    }
  }, true);
  addEventListener("unhandledrejection", (event) => problem(`exception: unhandled rejection ${event.reason}`));
  addEventListener("securitypolicyviolation", (event) =>
    problem(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`));

  const consoleError = console.error;
  console.error = (...args) => {
    problem(`console: ${args.map(String).join(" ")}`);
    consoleError.apply(console, args);
  };

  append("ik-test:requests", location.href);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) append("ik-test:requests", entry.name);
  }).observe({ type: "resource", buffered: true });
})();
