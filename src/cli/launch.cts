/**
 * How the command-line tool starts. It runs from a bundle (dist/cli-bundle/, made by
 * scripts/bundle-cli.mjs): a command reads a dozen files instead of resolving ~90 modules, and
 * takes its compiled code from V8's code cache instead of parsing it again. A pre-upload hook
 * runs a command per artifact, so start-up is paid many times (bench/startup.mjs).
 *
 * Each bundle file is compiled with the code cache the build wrote beside it for the Node that
 * built it, after running the commands a hook runs, so it holds every function they compile. On
 * another Node (no cache of its version) Node >= 22.1 uses its own compile cache
 * (module.enableCompileCache), which holds only what is compiled before a file runs: measured on
 * Node 22, inspect 1.71x bare Node with it against 1.48x with a cache of ours (bench/README.md).
 *
 * CommonJS on purpose: an ES module entry costs Node 20 about 4 ms more to start.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';

/** What the bundle's entry exports (src/cli/main.ts). */
interface CliEntry {
  main(argv: string[]): Promise<number>;
}

/** Where scripts/bundle-cli.mjs writes the bundle: beside dist/cli/, where this file is built. */
export const BUNDLE_DIR = join(__dirname, '..', 'cli-bundle');

/**
 * The bundle's entry file. Every bundle file is named by its content (scripts/bundle-cli.mjs), so
 * the code cache named after a file always belongs to its code; `entry` names the entry.
 */
function entryFile(): string {
  try {
    return join(BUNDLE_DIR, readFileSync(join(BUNDLE_DIR, 'entry'), 'utf8').trim());
  } catch {
    process.stderr.write(`fnnx-kit: the command-line bundle is missing (${BUNDLE_DIR})\n  hint: run npm run build\n`);
    process.exit(2);
  }
}
const ENTRY = entryFile();

/** The code cache of one bundle file, for this Node's V8 and architecture. */
export function codeCachePath(file: string): string {
  return `${file}.${process.version}-${process.arch}.v8cache`;
}

interface LoadedFile {
  module: { exports: unknown };
  script: Script;
  hadCache: boolean;
}

/** One bundle file a run loaded, and whether its compiled code came from a code cache. */
export interface BundleFileLoad {
  file: string;
  /** used/rejected/absent: our cache; `node`: loaded by Node's own loader and cache (Node >= 22.1 without a cache of ours). */
  codeCache: 'used' | 'rejected' | 'absent' | 'node';
}

/**
 * Loads the bundle's CommonJS files through vm.Script with their code caches: a tiny module loader
 * for the one shape rolldown writes (relative `require("./chunk.cjs")` between bundle files;
 * anything else, the node: built-ins, goes to Node's own require).
 */
class CachedBundleLoader {
  private readonly files = new Map<string, LoadedFile>();
  /**
   * What the files require from outside the bundle is built in (node:…), so this file's own
   * require serves it; node:module's createRequire would cost ~0.2 ms to load.
   */
  private readonly require = (id: string): unknown => (id.startsWith('./') ? this.load(join(BUNDLE_DIR, id)) : require(id));

  /** `cachedData`: the file's code cache, when the caller has already read it. */
  load(file: string, cachedData = readCache(file)): unknown {
    const known = this.files.get(file);
    if (known) return known.module.exports;
    const source = readFileSync(file, 'utf8');
    // The file is its own CommonJS wrapper (scripts/bundle-cli.mjs): compiled as it is, without a copy.
    const script = new Script(source, { filename: file, cachedData });
    const module = { exports: {} };
    // Registered before it runs, as Node does, so a cycle between files sees the partial exports.
    this.files.set(file, { module, script, hadCache: cachedData !== undefined });
    (script.runInThisContext() as (...args: unknown[]) => void).call(
      module.exports,
      module.exports,
      this.require,
      module,
      file,
      BUNDLE_DIR,
    );
    return module.exports;
  }

  /** Every bundle file loaded so far. */
  loaded(): BundleFileLoad[] {
    return [...this.files].map(([file, { script, hadCache }]) => ({
      file,
      codeCache: !hadCache ? 'absent' : script.cachedDataRejected ? 'rejected' : 'used',
    }));
  }

  /** Writes each loaded file's code cache, with the code compiled so far (the build's warm-up). */
  writeCaches(): string[] {
    return [...this.files].map(([file, { script }]) => {
      writeFileSync(codeCachePath(file), script.createCachedData());
      return file;
    });
  }
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(codeCachePath(file));
  } catch {
    return undefined;
  }
}

let loader: CachedBundleLoader | undefined;

/** Node >= 22.1's own code cache switch (@types/node 20 does not know it); node:module is loaded only without a cache of ours. */
function nodeCompileCache(): (() => unknown) | undefined {
  return (require('node:module') as { enableCompileCache?: () => unknown }).enableCompileCache;
}

/** The bundle's entry, loaded the way this Node loads it fastest. */
function entry(): CliEntry {
  const cachedData = readCache(ENTRY);
  const enableCompileCache = cachedData ? undefined : nodeCompileCache();
  if (enableCompileCache) {
    // Returns a status object and never throws; a cache it cannot write only costs the next run time.
    enableCompileCache();
    return require(ENTRY) as CliEntry;
  }
  loader = new CachedBundleLoader();
  return loader.load(ENTRY, cachedData) as CliEntry;
}

/** Runs the CLI on `argv` (process.argv's shape) and sets the exit code. */
export function launch(argv: string[]): void {
  entry()
    .main(argv)
    .then((code) => {
      process.exitCode = code;
      // After the promise jobs still queued: one of them may yet start I/O.
      process.nextTick(endIfIdle);
    });
}

/**
 * Ends the process once the command is done and nothing is pending (no I/O, timer or stream left
 * to wait for; output goes out by writeSync). Left to end by itself, Node first runs V8's idle
 * tasks, such as a young-generation GC the command's allocations scheduled, and then tears the
 * heap down: about 1 ms of a short command (bench/startup.mjs). Anything still pending is left to
 * finish as usual.
 */
function endIfIdle(): void {
  if (process.getActiveResourcesInfo().length === 0) process.exit();
}

/** The bundle files this process has loaded: what a command costs to start (test/cli-startup.test.ts). */
export function loadedBundleFiles(): BundleFileLoad[] {
  if (loader) return loader.loaded();
  return Object.keys(require.cache)
    .filter((file) => file.startsWith(BUNDLE_DIR))
    .map((file) => ({ file, codeCache: 'node' }));
}

/**
 * The build's warm-up (scripts/bundle-cli.mjs): runs each command line in this process through the
 * cached loader, then writes every loaded file's code cache, so the functions those commands
 * compiled come from the cache next time. Returns the files whose cache it wrote.
 */
export async function warmCodeCache(commandLines: string[][]): Promise<string[]> {
  loader ??= new CachedBundleLoader();
  const cli = loader.load(ENTRY) as CliEntry;
  for (const args of commandLines) await cli.main([process.execPath, 'fnnx-kit', ...args]);
  process.exitCode = 0;
  return loader.writeCaches();
}
