#!/usr/bin/env node
import module from 'node:module';

// Node >= 22.1 keeps V8's compiled code between runs (bench/startup.mjs measures it); Node 20 has no
// such call. Enabled before the CLI is imported, so the CLI's own modules are cached too.
module.enableCompileCache?.();
const { main } = await import('../dist/cli/main.js');

main(process.argv).then((code) => {
  process.exitCode = code;
});
