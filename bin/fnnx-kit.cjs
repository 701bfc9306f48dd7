#!/usr/bin/env node
'use strict';
// CommonJS and a bundle: start-up is paid by every command (src/cli/launch.cts).
require('../dist/cli/launch.cjs').launch(process.argv);
