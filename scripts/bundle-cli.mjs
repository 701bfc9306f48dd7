#!/usr/bin/env node
/**
 * Bundles the compiled CLI (dist/cli/main.js and everything it imports) into CommonJS files under
 * dist/cli-bundle/, one file per lazily loaded part, and writes V8 code caches for them (for the
 * Node that runs this) by running a few commands on the bundled fixture. Why: start-up
 * (docs/design.md, "Start-up"; bench/startup.mjs). Run after tsc; `npm run build` does both.
 *
 * Writes dist/cli-bundle/entry (the entry file's name: every file is named by its content) and
 * dist/cli-bundle/modules.json: which compiled modules each bundle file holds, so a
 * test can say which modules a command loads.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'dist/cli-bundle');

/**
 * Chunks by what a command needs, not by every share rolldown finds: each file a command loads
 * costs ~0.1 ms of start-up (a read, a code cache, a compile), and automatic chunking split the
 * read path into a dozen files of a few hundred bytes to a few kB. `core` is what inspect,
 * validate and describe all run (reading a tar, JSON members, output, errors); `validator` is
 * the rules and schemas, loaded when a command validates. (rolldown keeps its own runtime helpers,
 * used by several chunks, in a file of their own.)
 */
const CHUNK_GROUPS = [
  {
    name: 'core',
    test: modulePath(
      /^dist\/(errors|codes)\.js$/,
      /^dist\/source\/(byte-source|chunks|http-request|shared-work|block-cache)\.js$/,
      /^dist\/tar\/(file-index|trailing|decompress-hint|header|foreign|limits|member|decoder|walk)\.js$/,
      /^dist\/artifact\/(json-member|metadata|patches|metrics|reader|root-files|tar-store|upload-rules)\.js$/,
      /^dist\/node\/(open|extract-limits|fs-async|file-source)\.js$/,
      /^dist\/safety\/(zip-limits|member-path|printable)\.js$/,
      /^dist\/cli\/(limits-option|network-options|common|errors|stdout)\.js$/,
      /^dist\/cli\/render\/(json-text|table)\.js$/,
      /^dist\/validate\/diagnostics\.js$/,
    ),
  },
  { name: 'validator', test: modulePath(/^dist\/(validate|onnx)\//, /^dist\/node\/validate\.js$/) },
];

/** A group's test: the module's path from the project root matches one of `patterns`. */
function modulePath(...patterns) {
  return (id) => {
    const path = relative(root, id).split('\\').join('/');
    return patterns.some((p) => p.test(path));
  };
}

rmSync(outDir, { recursive: true, force: true });
const { output } = await build({
  input: { main: join(root, 'dist/cli/main.js') },
  platform: 'node',
  external: [/^node:/],
  logLevel: 'warn',
  // ASCII and no comments: smaller files, and one-byte strings for V8 (start-up).
  output: {
    dir: outDir,
    format: 'cjs',
    entryFileNames: '[name]-[hash].cjs',
    chunkFileNames: '[name]-[hash].cjs',
    charset: 'ascii',
    comments: false,
    codeSplitting: { groups: CHUNK_GROUPS },
  },
});
const chunks = output.filter((o) => o.type === 'chunk');
refuseCycles(chunks);
for (const chunk of chunks) finishChunk(join(outDir, chunk.fileName));
const modules = Object.fromEntries(chunks.map((c) => [c.fileName, c.moduleIds.map((id) => relative(root, id).split('\\').join('/'))]));
writeFileSync(join(outDir, 'modules.json'), JSON.stringify(modules, null, 1) + '\n');
// Every file is named by its content, so a code cache (named after its file) can never outlive the
// code it was made from; launch.cts finds the entry's name here.
writeFileSync(join(outDir, 'entry'), output.find((o) => o.type === 'chunk' && o.isEntry).fileName + '\n');

warmCodeCaches();

/**
 * Plain exports (below) are assigned when a chunk has run to its end, so a chunk that required
 * another, which required it back while loading, would find them missing (getters found the
 * hoisted functions). The chunks' static imports must form no cycle; a build that makes one fails.
 */
function refuseCycles(chunks) {
  const imports = new Map(chunks.map((c) => [c.fileName, c.imports]));
  const state = new Map();
  const visit = (file, path) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') throw new Error(`bundle chunks import each other in a cycle: ${[...path, file].join(' -> ')}`);
    state.set(file, 'open');
    for (const next of imports.get(file) ?? []) visit(next, [...path, file]);
    state.set(file, 'done');
  };
  for (const c of chunks) visit(c.fileName, []);
}

/** The two rewrites below, once rolldown has written `file`. */
function finishChunk(file) {
  writeFileSync(file, selfWrap(plainExports(readFileSync(file, 'utf8'))));
}

/**
 * rolldown exports each binding of a CommonJS chunk as a getter, for live bindings. Ours never
 * change after a chunk has run, so each export that is a binding of the chunk itself (but a `let`)
 * becomes a plain property: defining ~100 getters was a fifth of the core chunk's
 * start, and every use from another chunk called one, in code still run by the interpreter.
 * Re-exports of another chunk's binding (`return require_x.y`) stay getters.
 */
function plainExports(code) {
  return code.replace(
    /Object\.defineProperty\(exports, "([\w$]+)", \{\n\tenumerable: true,\n\tget: function\(\) \{\n\t\treturn ([\w$]+);\n\t\}\n\}\);/g,
    // A `let` may be assigned again (an `export let`): that one keeps its getter.
    (getter, name, local) => (new RegExp(`\\blet ${local.replace(/\$/g, '\\$')}\\b`).test(code) ? getter : `exports.${name} = ${local};`),
  );
}

/**
 * Wraps a bundle file in the function CommonJS runs a module as, in a form that works both ways:
 * compiled as a script (src/cli/launch.cts), its value is that function, so the loader compiles
 * the file's text as it is; run by Node's own loader (no code cache of ours), it calls itself with
 * the arguments Node's wrapper was given. Without it the loader had to add the wrapper to each
 * file's text, and V8 then copied every source it compiled once more (~300 kB for validate,
 * young-generation memory that brings on a garbage collection).
 */
function selfWrap(code) {
  const head = '((body, cjs) => (cjs ? body.apply(cjs[0], cjs) : body))(function (exports, require, module, __filename, __dirname) {';
  const tail = '\n}, this === globalThis ? undefined : arguments);\n';
  return head + code + tail;
}

/**
 * Writes code caches for the Node that builds (src/cli/launch.cts says why they beat Node's own):
 * runs the commands a pre-upload hook runs, then caches every function they compiled. Files those
 * commands do not load get no cache and compile as usual.
 */
function warmCodeCaches() {
  const dir = mkdtempSync(join(tmpdir(), 'fnnx-bundle-'));
  try {
    const artifact = join(root, 'fixtures/corpus/onnx_pipeline.fnnx.tar');
    const upload = join(dir, 'model.fnnx');
    copyFileSync(artifact, upload);
    const commandLines = [
      ['inspect', artifact],
      ['validate', artifact],
      ['validate', '--json', artifact],
      ['describe', upload, '--quiet'],
    ];
    const warm = `require(${JSON.stringify(join(root, 'dist/cli/launch.cjs'))}).warmCodeCache(${JSON.stringify(commandLines)}).then((f) => process.stderr.write(f.length + ' code caches\\n'))`;
    // Its own process, with stdout discarded: the commands print as they would for a user.
    const r = spawnSync(process.execPath, ['-e', warm], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0 || !/^\d+ code caches$/m.test(r.stderr)) throw new Error(`code cache warm-up failed:\n${r.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.error(`dist/cli-bundle: ${Object.keys(modules).length} files`);
