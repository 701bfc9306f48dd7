/**
 * Start-up: a run loads the bundle files of the command it names, not every command's; the bin
 * turns on Node's own compile cache where Node has one (>= 22.1); the bundle needs nothing else
 * of dist/ (bin/fnnx-kit.cjs, scripts/bundle-cli.mjs).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN } from './helpers/cli.js';
import { CORPUS_TAR, tempDir } from './helpers/paths.js';

const MODULES_JSON = fileURLToPath(new URL('../dist/cli-bundle/modules.json', import.meta.url));

interface Loads {
  /** The bundle files the run loaded. */
  files: string[];
  /** Node's compile cache folder, when the run had it on. */
  compileCacheDir: string | undefined;
}

/**
 * Runs `bin` (in a TMPDIR of its own, where Node's compile cache goes by default) with a preload
 * that reports at exit which bundle files the run loaded and whether Node's compile cache was on.
 */
function runReportingLoads(bin: string, args: string[]): { r: SpawnSyncReturns<string>; loads: Loads } {
  const dir = tempDir();
  const preload = join(dir, 'report-loads.cjs');
  writeFileSync(
    preload,
    `process.on('exit', () => require('node:fs').writeSync(2, 'LOADED ' + JSON.stringify({
      files: Object.keys(require.cache).filter((f) => f.includes('cli-bundle')),
      compileCacheDir: require('node:module').getCompileCacheDir?.(),
    }) + '\\n'));\n`,
  );
  const r = spawnSync(process.execPath, ['-r', preload, bin, ...args], { encoding: 'utf8', env: { ...process.env, TMPDIR: dir } });
  const reported = /^LOADED (.*)$/m.exec(r.stderr)?.[1];
  return { r, loads: reported ? (JSON.parse(reported) as Loads) : { files: [], compileCacheDir: undefined } };
}

/** The bundle files a run of the CLI loads and the compiled modules they hold. */
function loaded(args: string[]): { code: number; files: string[]; modules: string[]; compileCacheDir: string | undefined } {
  const { r, loads } = runReportingLoads(BIN, args);
  const byFile = JSON.parse(readFileSync(MODULES_JSON, 'utf8')) as Record<string, string[]>;
  return { code: r.status ?? -1, ...loads, modules: loads.files.flatMap((f) => byFile[basename(f)] ?? []) };
}

const commandModules = (modules: string[]) =>
  modules.map((m) => /^dist\/cli\/commands\/([a-z-]+)\.js$/.exec(m)?.[1]).filter((c): c is string => c !== undefined && c !== 'index');

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
/** module.enableCompileCache() exists from Node 22.1. */
const NODE_HAS_COMPILE_CACHE = major > 22 || (major === 22 && minor >= 1);

describe('CLI start-up', () => {
  it('inspect loads its own command module only: no validator, no other command, no ajv', () => {
    const { code, files, modules } = loaded(['inspect', CORPUS_TAR]);
    expect(code).toBe(0);
    expect(files.length).toBeGreaterThan(0);
    expect(commandModules(modules)).toEqual(['inspect']);
    // diagnostics.js is the findings' type and helpers, in the shared core chunk; the rules and schemas are not loaded.
    expect(modules.filter((m) => /^dist\/validate\/(?!diagnostics\.js$)|^dist\/onnx\/|node_modules\/ajv\//.test(m))).toEqual([]);
  });

  it('validate runs with Node’s own compile cache on where Node has one (>= 22.1), which it fills for the next run', () => {
    const { code, compileCacheDir } = loaded(['validate', CORPUS_TAR]);
    expect(code).toBe(1); // the corpus artifact has findings
    expect(compileCacheDir !== undefined).toBe(NODE_HAS_COMPILE_CACHE);
    if (compileCacheDir !== undefined) expect(readdirSync(compileCacheDir, { recursive: true }).length).toBeGreaterThan(0);
  });

  it('validate loads five bundle files: the entry, the shared read path, its command, the validator and rolldown’s helpers', () => {
    // Each file costs a read and a compile: the chunk groups of scripts/bundle-cli.mjs keep them few.
    const { files, modules } = loaded(['validate', CORPUS_TAR]);
    expect(files.map((f) => basename(f).replace(/(-[\w-]{8})?\.cjs$/, '')).sort()).toEqual([
      'core',
      'main',
      'rolldown-runtime',
      'validate',
      'validator',
    ]);
    expect(modules).toContain('dist/validate/validate.js');
  });

  it('the bundle is whole: bin, dist/cli-bundle and package.json alone run a command', () => {
    const root = join(tempDir(), 'pkg');
    const dist = fileURLToPath(new URL('../dist/', import.meta.url));
    mkdirSync(join(root, 'bin'), { recursive: true });
    cpSync(join(dist, 'cli-bundle'), join(root, 'dist/cli-bundle'), { recursive: true });
    copyFileSync(BIN, join(root, 'bin', basename(BIN)));
    copyFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), join(root, 'package.json'));
    const { r, loads } = runReportingLoads(join(root, 'bin', basename(BIN)), ['inspect', CORPUS_TAR]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('pipeline');
    expect(loads.files.every((f) => dirname(f) === join(root, 'dist/cli-bundle'))).toBe(true);
  });

  it('a missing bundle is a message with a hint, not a stack trace', () => {
    const root = join(tempDir(), 'unbuilt');
    mkdirSync(join(root, 'bin'), { recursive: true });
    copyFileSync(BIN, join(root, 'bin', basename(BIN)));
    const r = spawnSync(process.execPath, [join(root, 'bin', basename(BIN)), '--version'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('fnnx-kit: the command-line bundle is missing (dist/cli-bundle/)\n  hint: run npm run build\n');
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
        'diff',
        'download',
        'extract',
        'index-cmd',
        'inspect',
        'new',
        'pack',
        'page',
        'patch-manifest',
        'upload',
        'validate',
        'verify',
      ].sort(),
    );
  });
});
