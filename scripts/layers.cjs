// The layers of src/, lowest first: the one list that .dependency-cruiser.cjs enforces and that
// test/layers.test.ts compares with the table in docs/design.md ("Layers"). A module may import
// its own layer and the ones before it. A path ending in `/` is a folder; a module belongs to the
// layer holding the longest path that contains it (src/web/index.ts is an entry, src/web/ the platform).
'use strict';

/** @type {{ name: string, paths: string[] }[]} */
const layers = [
  { name: 'Errors and codes', paths: ['src/errors.ts', 'src/codes.ts', 'src/suggest.ts'] },
  { name: 'Bytes', paths: ['src/source/'] },
  { name: 'Safety', paths: ['src/safety/'] },
  { name: 'Hashing', paths: ['src/hash/'] },
  { name: 'Tar', paths: ['src/tar/'] },
  { name: 'Zip', paths: ['src/zip/'] },
  { name: 'Format types', paths: ['src/types/generated/', 'src/validate/generated/'] },
  { name: 'Artifact', paths: ['src/artifact/'] },
  { name: 'ONNX', paths: ['src/onnx/'] },
  { name: 'Validate', paths: ['src/validate/'] },
  {
    name: 'Describe, build, append, upload, run, diff',
    paths: ['src/describe/', 'src/build/', 'src/append/', 'src/upload/', 'src/run/', 'src/diff/'],
  },
  { name: 'Platform', paths: ['src/node/', 'src/web/'] },
  { name: 'Entries', paths: ['src/api-shared.ts', 'src/index.ts', 'src/web/index.ts'] },
  { name: 'CLI', paths: ['src/cli/'] },
];

/** The layer a path under src/ belongs to (its index in `layers`), or -1 when none holds it. */
function layerOf(path) {
  let best = -1;
  let bestLength = -1;
  layers.forEach((layer, index) => {
    for (const p of layer.paths) {
      const holds = p.endsWith('/') ? path.startsWith(p) : path === p;
      if (holds && p.length > bestLength) [best, bestLength] = [index, p.length];
    }
  });
  return best;
}

module.exports = { layers, layerOf };
