/**
 * Start-up: a run loads the bundle files of the command it names, not every command's, and on Node
 * 20 takes their compiled code from the code cache the build wrote (src/cli/launch.cts).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN } from './helpers/cli.js';
import { CORPUS_TAR, tempDir } from './helpers/paths.js';

const LAUNCH = fileURLToPath(new URL('../dist/cli/launch.cjs', import.meta.url));
const MODULES_JSON = fileURLToPath(new URL('../dist/cli-bundle/modules.json', import.meta.url));
const { codeCachePath } = createRequire(import.meta.url)(LAUNCH) as { codeCachePath(file: string): string };
/**
 * What launch.cts uses on this Node: the build's code caches where there are some for this Node
 * (always after a build with it), else Node's own compile cache (Node >= 22.1).
 */
const ENTRY = join(dirname(MODULES_JSON), readFileSync(join(dirname(MODULES_JSON), 'entry'), 'utf8').trim());
const EXPECTED_CACHE = existsSync(codeCachePath(ENTRY)) ? 'used' : 'node';

interface Load {
  file: string;
  codeCache: string;
}

/**
 * Runs `bin` with a preload that asks `launch` (its launch.cjs) at exit which bundle files the run
 * loaded; returns the run and those files.
 */
function runReportingLoads(launch: string, bin: string, args: string[]): { r: SpawnSyncReturns<string>; files: Load[] } {
  const preload = join(tempDir(), 'report-loads.cjs');
  writeFileSync(
    preload,
    `process.on('exit', () => require('node:fs').writeSync(2, 'LOADED ' + JSON.stringify(require(${JSON.stringify(launch)}).loadedBundleFiles()) + '\\n'));\n`,
  );
  const r = spawnSync(process.execPath, ['-r', preload, bin, ...args], { encoding: 'utf8' });
  return { r, files: JSON.parse(/^LOADED (.*)$/m.exec(r.stderr)?.[1] ?? '[]') as Load[] };
}

/** The bundle files a run of the CLI loads (as launch.cts reports them at exit) and the compiled modules they hold. */
function loaded(args: string[]): { code: number; files: Load[]; modules: string[] } {
  const { r, files } = runReportingLoads(LAUNCH, BIN, args);
  const byFile = JSON.parse(readFileSync(MODULES_JSON, 'utf8')) as Record<string, string[]>;
  return { code: r.status ?? -1, files, modules: files.flatMap((f) => byFile[basename(f.file)] ?? []) };
}

const commandModules = (modules: string[]) =>
  modules.map((m) => /^dist\/cli\/commands\/([a-z-]+)\.js$/.exec(m)?.[1]).filter((c): c is string => c !== undefined && c !== 'index');

describe('CLI start-up', () => {
  it('inspect loads its own command module only: no validator, no other command, no ajv', () => {
    const { code, files, modules } = loaded(['inspect', CORPUS_TAR]);
    expect(code).toBe(0);
    expect(files.length).toBeGreaterThan(0);
    expect(commandModules(modules)).toEqual(['inspect']);
    // diagnostics.js is the findings' type and helpers, in the shared core chunk; the rules and schemas are not loaded.
    expect(modules.filter((m) => /^dist\/validate\/(?!diagnostics\.js$)|^dist\/onnx\/|node_modules\/ajv\//.test(m))).toEqual([]);
  });

  it('validate takes every file it loads from a code cache V8 accepts (the build’s, for the Node that built), or from Node’s own', () => {
    const { code, files } = loaded(['validate', CORPUS_TAR]);
    expect(code).toBe(1); // the corpus artifact has findings
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((f) => f.codeCache !== EXPECTED_CACHE)).toEqual([]);
  });

  it('validate loads five bundle files: the entry, the shared read path, its command, the validator and rolldown’s helpers', () => {
    // Each file costs a read, a code cache and a compile (~0.1 ms): the chunk groups of scripts/bundle-cli.mjs keep them few.
    const { files, modules } = loaded(['validate', CORPUS_TAR]);
    expect(files.map((f) => basename(f.file).replace(/-[\w-]{8}\.cjs$/, '')).sort()).toEqual([
      'core',
      'main',
      'rolldown-runtime',
      'validate',
      'validator',
    ]);
    expect(modules).toContain('dist/validate/validate.js');
  });

  it('a bundle with no code cache for this Node still runs: with Node’s own cache (Node >= 22.1) or none', () => {
    // The package as installed from a tarball built by another Node: dist/ and package.json, no caches.
    const root = join(tempDir(), 'pkg');
    const dist = fileURLToPath(new URL('../dist/', import.meta.url));
    mkdirSync(join(root, 'dist'), { recursive: true });
    cpSync(join(dist, 'cli'), join(root, 'dist/cli'), { recursive: true });
    cpSync(join(dist, 'cli-bundle'), join(root, 'dist/cli-bundle'), { recursive: true, filter: (f) => !f.endsWith('.v8cache') });
    copyFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), join(root, 'package.json'));
    const launch = join(root, 'dist/cli/launch.cjs');
    // A bin of its own: `node -e … inspect` would start Node's debugger.
    const bin = join(root, 'bin.cjs');
    writeFileSync(bin, `require(${JSON.stringify(launch)}).launch(process.argv);\n`);
    const { r, files } = runReportingLoads(launch, bin, ['inspect', CORPUS_TAR]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('pipeline');
    expect(files.length).toBeGreaterThan(0);
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    const nodeCaches = major > 22 || (major === 22 && minor >= 1);
    expect(new Set(files.map((f) => f.codeCache))).toEqual(new Set([nodeCaches ? 'node' : 'absent']));
  });

  it('--version loads no command module: it only prints the version', () => {
    const { code, modules } = loaded(['--version']);
    expect(code).toBe(0);
    expect(commandModules(modules)).toEqual([]);
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
