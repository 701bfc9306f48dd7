import { createRequire } from 'node:module';
import { defineConfig } from 'vite';

/**
 * The `events` package (the browser port of Node's EventEmitter), by file: `require('events')`
 * alone would resolve to Node's builtin. The trailing slash asks for the package.
 */
const eventsPort = createRequire(import.meta.url).resolve('events/');

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
  // The tar writer (buildArtifact) packs with tar-stream, whose streamx takes EventEmitter from
  // Node's `events`; in the browser that module is the npm port, inlined like every dependency.
  resolve: { alias: [{ find: /^events$/, replacement: eventsPort }] },
  build: {
    outDir: 'dist-web/lib',
    emptyOutDir: true,
    target: 'es2022',
    // Unminified and without maps: the shipped bundle is its own readable source.
    sourcemap: false,
    minify: false,
    lib: { entry: 'src/web/index.ts', formats: ['es'], fileName: () => 'fnnx-kit-web.js' },
  },
});
