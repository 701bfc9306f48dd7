import { build } from 'vite';
import { fileURLToPath } from 'node:url';

/** Builds the inspector page once for all browser tests, as `npm run build:web` does. */
export default async function setup(): Promise<void> {
  await build({ configFile: fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url)), logLevel: 'warn' });
}
