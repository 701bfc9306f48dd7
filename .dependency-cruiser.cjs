// dependency-cruiser (npm run lint:layers): the layers of scripts/layers.cjs, no cycles, the two
// platforms apart, and no Node built-in below the platform layer. Type-only imports count: a type
// import across layers ties the layers together as much as a value import does.
'use strict';

const { layers } = require('./scripts/layers.cjs');

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const pattern = (paths) => paths.map((p) => '^' + escapeRegExp(p) + (p.endsWith('/') ? '' : '$')).join('|');
const inside = (inner, outer) => outer.endsWith('/') && inner !== outer && inner.startsWith(outer);

// A path of one layer nested in a folder of another (src/web/index.ts in src/web/) belongs to the
// nested layer, so it is cut out of the outer folder's pattern. layers.test.ts checks that nesting
// is never more than one deep, which is all these patterns handle.
const pathsOf = (indices) => indices.flatMap((i) => layers[i].paths);
const nestedIn = (outer, indices) => pathsOf(indices).filter((p) => outer.some((o) => inside(p, o)));
const range = (from, to) => Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k);

/** The modules of the layers at `indices`: their paths less those nested in them that belong to other layers. */
function modulesOf(indices) {
  const paths = pathsOf(indices);
  const others = range(0, layers.length).filter((i) => !indices.includes(i));
  const nested = nestedIn(paths, others);
  return nested.length > 0 ? { path: pattern(paths), pathNot: pattern(nested) } : { path: pattern(paths) };
}

function upwardRule(index) {
  return {
    name: `layer-${index + 1}-imports-up`,
    comment: `${layers[index].name} may import only its own layer and the ones below it (docs/design.md, Layers).`,
    severity: 'error',
    from: modulesOf([index]),
    to: modulesOf(range(index + 1, layers.length)),
  };
}

const platform = layers.findIndex((layer) => layer.name === 'Platform');

module.exports = {
  forbidden: [
    ...range(0, layers.length - 1).map(upwardRule),
    {
      name: 'no-cycle',
      comment: 'A cycle makes its modules one unit: nothing in it can be loaded, tested or moved alone.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'platforms-apart',
      comment: 'Node and browser code share only what lies below them.',
      severity: 'error',
      from: { path: '^src/node/' },
      to: { path: '^src/web/' },
    },
    {
      name: 'platforms-apart-web',
      comment: 'Node and browser code share only what lies below them.',
      severity: 'error',
      from: { path: '^src/web/' },
      to: { path: '^src/node/' },
    },
    {
      name: 'neutral-below-platform',
      comment: 'Everything below the platform layer runs in a browser too: no Node built-in.',
      severity: 'error',
      from: modulesOf(range(0, platform)),
      to: { dependencyTypes: ['core'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    progress: { type: 'none' },
  },
};
