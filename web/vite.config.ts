import { defineConfig } from 'vite';

/** The inspector page (`npm run build:web`): a static site in dist-web/page, relative URLs. */
export default defineConfig({
  // describeBlob hashes in a module worker (src/web/describe-worker.ts), emitted as its own file.
  worker: { format: 'es' },
  root: import.meta.dirname,
  base: './',
  build: {
    outDir: '../dist-web/page',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
});
