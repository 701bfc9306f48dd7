import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { buildDist, isolateTempDir } from '../global-setup.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Builds the inspector page once for all browser tests (as `npm run build:web` does), and dist/
 * for the CLI the descriptor is compared with, unless the unit project's setup has just built it.
 */
export default async function setup(): Promise<() => void> {
  if (newestMtime(join(ROOT, 'src')) > mtimeOr0(join(ROOT, 'dist/cli/main.js'))) buildDist();
  await build({ configFile: join(ROOT, 'web/vite.config.ts'), logLevel: 'warn' });
  return isolateTempDir();
}

function mtimeOr0(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function newestMtime(dir: string): number {
  return Math.max(0, ...(readdirSync(dir, { recursive: true }) as string[]).map((f) => statSync(join(dir, f)).mtimeMs));
}
