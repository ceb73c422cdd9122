// Test-only: see trouble.html.
console.error("trouble.js: a console error");
setTimeout(() => { throw new Error("trouble.js: an uncaught exception"); }, 0);
