import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Issue 25, item 6: from a checkout, `npx fnnx-kit` runs the checkout's own build, offline, with no rebuild. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VERSION = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string }).version;

describe('the CLI from a checkout', () => {
  it("npm ci links the checkout's bin into node_modules/.bin (the file:. dev dependency)", () => {
    expect(realpathSync(`${ROOT}node_modules/.bin/fnnx-kit`)).toBe(realpathSync(`${ROOT}bin/fnnx-kit.cjs`));
  });

  it('npx fnnx-kit runs offline, with nothing to install or build', () => {
    const out = execFileSync('npm', ['exec', '--offline', '--no', '--', 'fnnx-kit', '--version'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(out.trim()).toBe(VERSION);
  });
});
