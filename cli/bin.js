#!/usr/bin/env node
'use strict';
// The CLI is TypeScript like the rest of huifang: tsx (a runtime dependency) compiles it as it is
// loaded, so `npx huifang …` works on a fresh clone with no build step.
require('tsx/cjs');
const { main } = require('./main.ts');

main().then((code) => {
  // exitCode rather than exit(): pending output to a pipe is flushed before the process ends.
  process.exitCode = code;
});
