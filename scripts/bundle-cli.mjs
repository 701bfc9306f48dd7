#!/usr/bin/env node
/**
 * Bundles the compiled CLI (dist/cli/main.js and everything it imports) into CommonJS files under
 * dist/cli-bundle/: the entry `main.cjs`, which bin/fnnx-kit.cjs loads, and one file per lazily
 * loaded part. Why a bundle, and why CommonJS: start-up (docs/design.md, "Start-up";
 * bench/startup.mjs). Run after tsc; `npm run build` does both.
 *
 * Also writes dist/cli-bundle/modules.json: which compiled modules each bundle file holds, so a
 * test can say which modules a command loads.
 */
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'dist/cli-bundle');

/**
 * Chunks by what a command needs, not by every share rolldown finds: each file a command loads
 * costs a read and a compile, and automatic chunking split the read path into a dozen files of a
 * few hundred bytes to a few kB. `core` is what inspect, validate and describe all run (reading a
 * tar, JSON members, output, errors); `validator` is the rules and schemas, loaded when a command
 * validates. (rolldown keeps its own runtime helpers, used by several chunks, in a file of their own.)
 */
const CHUNK_GROUPS = [
  {
    name: 'core',
    test: modulePath(
      /^dist\/(errors|codes|suggest)\.js$/,
      /^dist\/source\/(byte-source|chunks|http-request|shared-work|block-cache)\.js$/,
      /^dist\/tar\/(file-index|trailing|decompress-hint|header|foreign|limits|member|decoder|walk)\.js$/,
      /^dist\/artifact\/(json-member|metadata|patches|metrics|reader|root-files|tar-store|upload-rules)\.js$/,
      /^dist\/node\/(open|extract-limits|fs-async|file-source|io-error)\.js$/,
      /^dist\/safety\/(zip-limits|member-path|printable)\.js$/,
      // Installed by the entry for every command (src/cli/main.ts); node:zlib itself loads on first use.
      /^dist\/(zip\/inflate|node\/zlib-inflate)\.js$/,
      /^dist\/cli\/(limits-option|network-options|common|errors|stdout)\.js$/,
      /^dist\/cli\/render\/(json-text|table)\.js$/,
      /^dist\/validate\/diagnostics\.js$/,
    ),
  },
  // validate-text: the findings' text, which validate and pack (after its check) print.
  {
    name: 'validator',
    test: modulePath(/^dist\/(validate|onnx)\//, /^dist\/node\/validate\.js$/, /^dist\/cli\/render\/validate-text\.js$/),
  },
];

/** A group's test: the module's path from the project root matches one of `patterns`. */
function modulePath(...patterns) {
  return (id) => {
    const path = relative(root, id).split('\\').join('/');
    return patterns.some((p) => p.test(path));
  };
}

const { output } = await build({
  input: { main: join(root, 'dist/cli/main.js') },
  platform: 'node',
  external: [/^node:/],
  logLevel: 'warn',
  output: {
    dir: outDir,
    cleanDir: true,
    format: 'cjs',
    entryFileNames: '[name].cjs',
    chunkFileNames: '[name]-[hash].cjs',
    // ASCII and no comments: smaller files, and one-byte strings for V8.
    charset: 'ascii',
    comments: false,
    codeSplitting: { groups: CHUNK_GROUPS },
  },
});
const chunks = output.filter((o) => o.type === 'chunk');
const modules = Object.fromEntries(chunks.map((c) => [c.fileName, c.moduleIds.map((id) => relative(root, id).split('\\').join('/'))]));
writeFileSync(join(outDir, 'modules.json'), JSON.stringify(modules, null, 1) + '\n');
console.error(`dist/cli-bundle: ${chunks.length} files`);
