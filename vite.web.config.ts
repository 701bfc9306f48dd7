import { defineConfig } from 'vite';

/**
 * The library's browser bundle (`fnnx-kit/web`): one ES module with its dependencies inlined, so a
 * page can load it without a bundler. The page itself is built by web/vite.config.ts.
 */
export default defineConfig({
  build: {
    outDir: 'dist-web/lib',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    minify: false,
    lib: { entry: 'src/web/index.ts', formats: ['es'], fileName: () => 'fnnx-kit-web.js' },
  },
});
