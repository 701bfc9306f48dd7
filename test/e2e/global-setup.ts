import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { buildDist, isolateTempDir } from '../global-setup.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Builds the inspector page once for all browser tests (as `npm run build:web` does), and dist/
 * for the CLI the descriptor is compared with when its sources changed since it was last built.
 */
export default async function setup(): Promise<() => void> {
  buildDist();
  await build({ configFile: join(ROOT, 'web/vite.config.ts'), logLevel: 'warn' });
  return isolateTempDir();
}
