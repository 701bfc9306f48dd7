#!/usr/bin/env node
'use strict';
// Node >= 22.1 keeps the bundle's compiled code in its own compile cache from the second run on
// (start-up is paid by every command: docs/design.md, "Start-up"); older Node compiles it each run.
require('node:module').enableCompileCache?.();
let cli;
try {
  cli = require('../dist/cli-bundle/main.cjs');
} catch (e) {
  if (e.code !== 'MODULE_NOT_FOUND' || !String(e.message).includes('cli-bundle')) throw e;
  process.stderr.write('fnnx-kit: the command-line bundle is missing (dist/cli-bundle/)\n  hint: run npm run build\n');
  process.exit(2);
}
cli.launch(process.argv);
