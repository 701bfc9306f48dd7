import { defineConfig } from 'vite';

/**
 * The library's browser bundle (`fnnx-kit/web`): one ES module with its dependencies inlined, plus
 * the hashing worker beside it, so a page can load it without a bundler. The page itself is built
 * by web/vite.config.ts.
 */
export default defineConfig({
  // Relative: the worker file is found next to the bundle wherever the bundle is served from.
  base: './',
  // describeBlob hashes in a module worker (src/web/describe-worker.ts), emitted as its own file.
  worker: { format: 'es' },
  build: {
    outDir: 'dist-web/lib',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    minify: false,
    lib: { entry: 'src/web/index.ts', formats: ['es'], fileName: () => 'fnnx-kit-web.js' },
  },
});
