import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** The inspector page (`npm run build:web`): a static site in dist-web/page, relative URLs. */
export default defineConfig({
  // describeBlob hashes in a module worker (src/web/describe-worker.ts), emitted as its own file.
  worker: { format: 'es' },
  root: import.meta.dirname,
  base: './',
  // "New from ONNX" writes this kit's version as the producer's, as `fnnx-kit new` does.
  define: { __FNNX_KIT_VERSION__: JSON.stringify(version) },
  build: {
    outDir: '../dist-web/page',
    emptyOutDir: true,
    target: 'es2022',
    // The page ships in the package (`fnnx-kit page` serves it), which carries no source maps.
    sourcemap: false,
  },
});
