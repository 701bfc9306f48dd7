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
import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'dist/cli-bundle');

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
  },
});
const modules = Object.fromEntries(
  output.filter((o) => o.type === 'chunk').map((c) => [c.fileName, c.moduleIds.map((id) => relative(root, id).split('\\').join('/'))]),
);
writeFileSync(join(outDir, 'modules.json'), JSON.stringify(modules, null, 1) + '\n');
// Every file is named by its content, so a code cache (named after its file) can never outlive the
// code it was made from; launch.cts finds the entry's name here.
writeFileSync(join(outDir, 'entry'), output.find((o) => o.type === 'chunk' && o.isEntry).fileName + '\n');

warmCodeCaches();

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
