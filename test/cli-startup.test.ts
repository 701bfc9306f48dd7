/**
 * Start-up: a run loads the bundle files of the command it names, not every command's, and on Node
 * 20 takes their compiled code from the code cache the build wrote (src/cli/launch.cts).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN } from './helpers/cli.js';
import { CORPUS_TAR, tempDir } from './helpers/paths.js';

const LAUNCH = fileURLToPath(new URL('../dist/cli/launch.cjs', import.meta.url));
const MODULES_JSON = fileURLToPath(new URL('../dist/cli-bundle/modules.json', import.meta.url));
/** Node >= 22.1 caches compiled code itself; Node 20 uses the caches the build wrote. */
const NODE_CACHES_ITSELF = (() => {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 1);
})();

interface Load {
  file: string;
  codeCache: string;
}

/** The bundle files a run of the CLI loads (as launch.cts reports them at exit) and the compiled modules they hold. */
function loaded(args: string[]): { code: number; files: Load[]; modules: string[] } {
  const preload = join(tempDir(), 'report-loads.cjs');
  writeFileSync(
    preload,
    `process.on('exit', () => require('node:fs').writeSync(2, 'LOADED ' + JSON.stringify(require(${JSON.stringify(LAUNCH)}).loadedBundleFiles()) + '\\n'));\n`,
  );
  const r = spawnSync(process.execPath, ['-r', preload, BIN, ...args], { encoding: 'utf8' });
  const files = JSON.parse(/^LOADED (.*)$/m.exec(r.stderr)?.[1] ?? '[]') as Load[];
  const byFile = JSON.parse(readFileSync(MODULES_JSON, 'utf8')) as Record<string, string[]>;
  return { code: r.status ?? -1, files, modules: files.flatMap((f) => byFile[basename(f.file)] ?? []) };
}

const commandModules = (modules: string[]) =>
  modules.map((m) => /^dist\/cli\/commands\/([a-z-]+)\.js$/.exec(m)?.[1]).filter((c): c is string => c !== undefined && c !== 'index');

describe('CLI start-up', () => {
  it('inspect loads its own command module only: no validator, no other command, no ajv or protobuf', () => {
    const { code, files, modules } = loaded(['inspect', CORPUS_TAR]);
    expect(code).toBe(0);
    expect(files.length).toBeGreaterThan(0);
    expect(commandModules(modules)).toEqual(['inspect']);
    expect(modules.filter((m) => /^dist\/validate\/|node_modules\/(ajv|@bufbuild)\//.test(m))).toEqual([]);
  });

  it('validate takes every file it loads from a code cache V8 accepts (Node 20), or from Node’s own cache (Node >= 22.1)', () => {
    const { code, files } = loaded(['validate', CORPUS_TAR]);
    expect(code).toBe(1); // the corpus artifact has findings
    expect(files.length).toBeGreaterThan(0);
    const expected = NODE_CACHES_ITSELF ? 'node' : 'used';
    expect(files.filter((f) => f.codeCache !== expected)).toEqual([]);
  });

  it('--help still loads every command, so the list is whole', () => {
    const { code, modules } = loaded(['--help']);
    expect(code).toBe(0);
    expect([...new Set(commandModules(modules))].sort()).toEqual(
      [
        'append-meta',
        'card',
        'cat',
        'describe',
        'download',
        'extract',
        'index-cmd',
        'inspect',
        'new',
        'pack',
        'patch-manifest',
        'upload',
        'validate',
        'verify',
      ].sort(),
    );
  });
});
