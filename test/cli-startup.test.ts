/** Start-up: a run loads the modules of the command it names, not every command's. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN } from './helpers/cli.js';
import { CORPUS_TAR, tempDir } from './helpers/paths.js';

/** The project files (under dist/ and node_modules/) an ESM run of the CLI loads, via a resolve hook. */
function modulesLoaded(args: string[]): { code: number; modules: string[] } {
  const dir = tempDir();
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    // writeSync: on Node 22+ hooks run on their own thread, and an async write may be lost at exit.
    `import { writeSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); writeSync(2, 'LOADED ' + r.url + '\\n'); return r; }\n`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, BIN, ...args], { encoding: 'utf8' });
  const modules = [...r.stderr.matchAll(/^LOADED (.*)$/gm)].map((m) => m[1]!).filter((u) => /\/(dist|node_modules)\//.test(u));
  return { code: r.status ?? -1, modules };
}

const commandModules = (modules: string[]) =>
  modules.map((u) => /\/dist\/cli\/commands\/([a-z-]+)\.js$/.exec(u)?.[1]).filter((c): c is string => c !== undefined && c !== 'index');

describe('CLI start-up', () => {
  it('inspect loads its own command module only: no validator, no other command, no ajv or protobuf', () => {
    const { code, modules } = modulesLoaded(['inspect', CORPUS_TAR]);
    expect(code).toBe(0);
    expect(commandModules(modules)).toEqual(['inspect']);
    expect(modules.filter((u) => /\/dist\/validate\/|\/node_modules\/(ajv|@bufbuild)\//.test(u))).toEqual([]);
  });

  it('--help still loads every command, so the list is whole', () => {
    const { code, modules } = modulesLoaded(['--help']);
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
