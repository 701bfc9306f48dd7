/**
 * Every rule of `diff`, pinned by a pair of artifacts built here: the pair one way gives the rule,
 * the other way gives its reverse; identical artifacts give no change; the rules document is current.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemorySource, TarStore, diffArtifacts, DIFF_RULES, type DiffRuleId, type DiffReport } from '../src/index.js';
import { rulesMarkdown, RULES_BEGIN, RULES_END } from '../src/diff/rules-doc.js';
import { io, onnxOp, soundPipeline, tarOf, writeDirArtifact, type Members } from './helpers/validate-artifact.js';
import { DirStore } from '../src/node/dir-store.js';

// Fixtures are edited in place by path, as the validator's tests do.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = { [key: string]: any };

const METRICS_TAG = 'dataforce.studio::registry_metrics:v1';
const CARD = 'meta_artifacts/card~~et~~00000000000000000000000000000001/model_card.zip';

function base(): Members {
  return structuredClone(soundPipeline());
}

/** The base artifact with `edit` applied to a deep copy of its members. */
function edited(edit: (m: Record<string, Doc>) => void): Members {
  const m = base() as Record<string, Doc>;
  edit(m);
  return m;
}

function metricsEntry(metrics: Record<string, number>) {
  return { id: 'metrics', producer: 't', producer_version: '1', producer_tags: [METRICS_TAG], payload: { metrics } };
}

async function storeOf(members: Members): Promise<TarStore> {
  return new TarStore(new MemorySource(await tarOf(members), 'test.fnnx'));
}

async function diffOf(a: Members, b: Members, content = false): Promise<DiffReport> {
  return diffArtifacts(await storeOf(a), await storeOf(b), { content });
}

interface Case {
  rule: DiffRuleId;
  /** The rule the same pair gives the other way round. */
  reverse: DiffRuleId;
  path: string;
  /** Where the reverse finds it, when elsewhere (a rename is found under its name before). */
  reversePath?: string;
  old: Members;
  new: Members;
}

const CASES: Case[] = [
  {
    rule: 'input-added',
    reverse: 'input-removed',
    path: '/inputs/z',
    old: base(),
    new: edited((m) => m['manifest.json']!.inputs.push(io('z'))),
  },
  {
    rule: 'input-renamed',
    reverse: 'input-renamed',
    path: '/inputs/x',
    reversePath: '/inputs/features',
    old: base(),
    new: edited((m) => (m['manifest.json']!.inputs[0].name = 'features')),
  },
  {
    rule: 'input-content-type-changed',
    reverse: 'input-content-type-changed',
    path: '/inputs/x/content_type',
    old: base(),
    new: edited((m) => (m['manifest.json']!.inputs[0].content_type = 'JSON')),
  },
  {
    rule: 'input-dtype-widened',
    reverse: 'input-dtype-changed',
    path: '/inputs/x/dtype',
    old: base(),
    new: edited((m) => (m['manifest.json']!.inputs[0].dtype = 'Array[float64]')),
  },
  {
    rule: 'input-shape-widened',
    reverse: 'input-shape-narrowed',
    path: '/inputs/x/shape',
    old: base(),
    new: edited((m) => (m['manifest.json']!.inputs[0].shape = ['batch', 'features'])),
  },
  {
    rule: 'input-shape-narrowed',
    reverse: 'input-shape-narrowed',
    path: '/inputs/x/shape',
    old: base(),
    new: edited((m) => (m['manifest.json']!.inputs[0].shape = ['batch', 3, 1])),
  },
  {
    rule: 'input-tags-changed',
    reverse: 'input-tags-changed',
    path: '/inputs/x/tags',
    old: base(),
    new: edited((m) => (m['manifest.json']!.inputs[0].tags = ['pii'])),
  },
  {
    rule: 'output-added',
    reverse: 'output-removed',
    path: '/outputs/proba',
    old: base(),
    new: edited((m) => m['manifest.json']!.outputs.push(io('proba'))),
  },
  {
    rule: 'output-renamed',
    reverse: 'output-renamed',
    path: '/outputs/y',
    reversePath: '/outputs/score',
    old: base(),
    new: edited((m) => (m['manifest.json']!.outputs[0].name = 'score')),
  },
  {
    rule: 'output-content-type-changed',
    reverse: 'output-content-type-changed',
    path: '/outputs/y/content_type',
    old: base(),
    new: edited((m) => (m['manifest.json']!.outputs[0].content_type = 'JSON')),
  },
  {
    rule: 'output-dtype-changed',
    reverse: 'output-dtype-changed',
    path: '/outputs/y/dtype',
    old: base(),
    new: edited((m) => (m['manifest.json']!.outputs[0].dtype = 'Array[float64]')),
  },
  {
    rule: 'output-shape-changed',
    reverse: 'output-shape-changed',
    path: '/outputs/y/shape',
    old: base(),
    new: edited((m) => (m['manifest.json']!.outputs[0].shape = ['batch', 'k'])),
  },
  {
    rule: 'output-tags-changed',
    reverse: 'output-tags-changed',
    path: '/outputs/y/tags',
    old: base(),
    new: edited((m) => (m['manifest.json']!.outputs[0].tags = ['score'])),
  },
  {
    rule: 'variant-changed',
    reverse: 'variant-changed',
    path: '/variant',
    old: base(),
    new: edited((m) => (m['manifest.json']!.variant = 'pyfunc')),
  },
  {
    rule: 'variant-config-changed',
    reverse: 'variant-config-changed',
    path: '/variant_config/nodes',
    old: base(),
    new: edited((m) => (m['variant_config.json']!.nodes[0].extra_dynattrs = { alpha: 'a' })),
  },
  {
    rule: 'dynamic-attribute-added',
    reverse: 'dynamic-attribute-removed',
    path: '/dynamic_attributes/alpha',
    old: base(),
    new: edited((m) => m['manifest.json']!.dynamic_attributes.push({ name: 'alpha', description: 'smoothing' })),
  },
  {
    rule: 'env-var-added',
    reverse: 'env-var-removed',
    path: '/env_vars/API_KEY',
    old: base(),
    new: edited((m) => m['manifest.json']!.env_vars.push({ name: 'API_KEY', description: 'a key' })),
  },
  {
    rule: 'manifest-info-changed',
    reverse: 'manifest-info-changed',
    path: '/manifest/producer_version',
    old: base(),
    new: edited((m) => (m['manifest.json']!.producer_version = '2.0.0')),
  },
  {
    rule: 'manifest-info-changed',
    reverse: 'manifest-info-changed',
    path: '/env_vars/TOKEN',
    old: edited((m) => m['manifest.json']!.env_vars.push({ name: 'TOKEN', description: 'a' })),
    new: edited((m) => m['manifest.json']!.env_vars.push({ name: 'TOKEN', description: 'b' })),
  },
  {
    rule: 'op-added',
    reverse: 'op-removed',
    path: '/ops/second',
    old: base(),
    new: edited((m) => (m['ops.json'] as unknown as Doc[]).push(onnxOp('second'))),
  },
  {
    rule: 'op-type-added',
    reverse: 'op-removed',
    path: '/ops/post',
    old: base(),
    new: edited((m) => (m['ops.json'] as unknown as Doc[]).push({ ...onnxOp('post'), op: 'Sklearn_v1' })),
  },
  {
    rule: 'op-type-changed',
    reverse: 'op-type-changed',
    path: '/ops/reg/op',
    old: base(),
    new: edited((m) => ((m['ops.json'] as unknown as Doc[])[0]!.op = 'ONNX_v2')),
  },
  {
    rule: 'op-io-changed',
    reverse: 'op-io-changed',
    path: '/ops/reg/inputs',
    old: base(),
    new: edited((m) => ((m['ops.json'] as unknown as Doc[])[0]!.inputs = [{ dtype: 'Array[float64]', shape: ['batch', 3] }])),
  },
  {
    rule: 'op-opset-raised',
    reverse: 'op-opset-lowered',
    path: '/ops/reg/attributes/opsets/ai.onnx',
    old: base(),
    new: edited((m) => ((m['ops.json'] as unknown as Doc[])[0]!.attributes.opsets[0].version = 18)),
  },
  {
    rule: 'op-opset-raised',
    reverse: 'op-opset-lowered',
    path: '/ops/reg/attributes/opsets/ai.onnx.ml',
    old: base(),
    new: edited((m) => (m['ops.json'] as unknown as Doc[])[0]!.attributes.opsets.push({ domain: 'ai.onnx.ml', version: 3 })),
  },
  {
    rule: 'op-ir-version-raised',
    reverse: 'op-ir-version-lowered',
    path: '/ops/reg/attributes/onnx_ir_version',
    old: base(),
    new: edited((m) => ((m['ops.json'] as unknown as Doc[])[0]!.attributes.onnx_ir_version = 9)),
  },
  {
    rule: 'op-external-data-changed',
    reverse: 'op-external-data-changed',
    path: '/ops/reg/attributes/has_external_data',
    old: base(),
    new: edited((m) => ((m['ops.json'] as unknown as Doc[])[0]!.attributes.has_external_data = true)),
  },
  {
    rule: 'op-attributes-changed',
    reverse: 'op-attributes-changed',
    path: '/ops/reg/attributes/used_operators',
    old: base(),
    new: edited((m) => ((m['ops.json'] as unknown as Doc[])[0]!.attributes.used_operators = { 'ai.onnx': ['Gemm'] })),
  },
  {
    rule: 'op-attributes-changed',
    reverse: 'op-attributes-changed',
    path: '/ops/reg/dynamic_attributes',
    old: base(),
    new: edited((m) => ((m['ops.json'] as unknown as Doc[])[0]!.dynamic_attributes = { a: { name: 'alpha', default_value: '1' } })),
  },
  {
    rule: 'dtype-added',
    reverse: 'dtype-removed',
    path: '/dtypes/ext::doc',
    old: base(),
    new: edited((m) => (m['dtypes.json']!['ext::doc'] = { type: 'object' })),
  },
  {
    rule: 'dtype-changed',
    reverse: 'dtype-changed',
    path: '/dtypes/ext::doc',
    old: edited((m) => (m['dtypes.json']!['ext::doc'] = { type: 'object' })),
    new: edited((m) => (m['dtypes.json']!['ext::doc'] = { type: 'array' })),
  },
  {
    rule: 'env-kind-added',
    reverse: 'env-kind-removed',
    path: '/env/python3::conda_pip',
    old: base(),
    new: edited((m) => (m['env.json']!['python3::conda_pip'] = { python_version: '3.11', build_dependencies: [], dependencies: [] })),
  },
  {
    rule: 'env-changed',
    reverse: 'env-changed',
    path: '/env/python3::conda_pip',
    old: edited((m) => (m['env.json']!['python3::conda_pip'] = { python_version: '3.11', build_dependencies: [], dependencies: [] })),
    new: edited((m) => (m['env.json']!['python3::conda_pip'] = { python_version: '3.12', build_dependencies: [], dependencies: [] })),
  },
  {
    rule: 'meta-entry-added',
    reverse: 'meta-entry-removed',
    path: '/metadata/notes',
    old: base(),
    new: edited(
      (m) => (m['meta.json'] = [{ id: 'notes', producer: 't', producer_version: '1', producer_tags: [], payload: {} }] as unknown as Doc),
    ),
  },
  {
    rule: 'meta-entry-changed',
    reverse: 'meta-entry-changed',
    path: '/metadata/metrics',
    old: edited((m) => (m['meta.json'] = [metricsEntry({ acc: 0.9 })] as unknown as Doc)),
    new: edited((m) => (m['meta.json'] = [metricsEntry({ acc: 0.95 })] as unknown as Doc)),
  },
  {
    rule: 'metric-changed',
    reverse: 'metric-changed',
    path: '/metrics/acc',
    old: edited((m) => (m['meta.json'] = [metricsEntry({ acc: 0.9 })] as unknown as Doc)),
    new: edited((m) => (m['meta.json'] = [metricsEntry({ acc: 0.95 })] as unknown as Doc)),
  },
  {
    rule: 'metric-added',
    reverse: 'metric-removed',
    path: '/metrics/f1',
    old: edited((m) => (m['meta.json'] = [metricsEntry({ acc: 0.9 })] as unknown as Doc)),
    new: edited((m) => (m['meta.json'] = [metricsEntry({ acc: 0.9, f1: 0.8 })] as unknown as Doc)),
  },
  {
    rule: 'card-added',
    reverse: 'card-removed',
    path: '/card',
    old: base(),
    new: { ...base(), [CARD]: new Uint8Array(100) },
  },
  {
    rule: 'card-changed',
    reverse: 'card-changed',
    path: '/card',
    old: { ...base(), [CARD]: new Uint8Array(100) },
    new: { ...base(), [CARD]: new Uint8Array(120) },
  },
  {
    rule: 'member-added',
    reverse: 'member-removed',
    path: '/members/variant_artifacts~1notes~0v1.txt',
    old: base(),
    new: { ...base(), 'variant_artifacts/notes~v1.txt': 'hello' },
  },
  {
    rule: 'member-changed',
    reverse: 'member-changed',
    path: '/members/ops_artifacts~1reg~1model.onnx',
    old: base(),
    new: { ...base(), 'ops_artifacts/reg/model.onnx': new Uint8Array(10) },
  },
];

describe('diff rules, each pinned by a pair built here, both ways round', () => {
  for (const c of CASES) {
    it(`${c.rule} at ${c.path} (and ${c.reverse} the other way)`, async () => {
      const forward = await diffOf(c.old, c.new);
      const hit = forward.changes.find((x) => x.path === c.path);
      expect(hit, JSON.stringify(forward.changes)).toMatchObject({ rule: c.rule, kind: DIFF_RULES[c.rule].kind });
      const backward = await diffOf(c.new, c.old);
      const back = backward.changes.find((x) => x.path === (c.reversePath ?? c.path));
      expect(back, JSON.stringify(backward.changes)).toMatchObject({ rule: c.reverse, kind: DIFF_RULES[c.reverse].kind });
      // Before and after swap with the order.
      expect([back!.before, back!.after]).toEqual([hit!.after, hit!.before]);
      expect(forward.counts[DIFF_RULES[c.rule].kind]).toBeGreaterThan(0);
    });
  }

  it('covers every rule of the table one way or the other', () => {
    const covered = new Set(CASES.flatMap((c) => [c.rule, c.reverse]));
    expect(Object.keys(DIFF_RULES).filter((r) => !covered.has(r as DiffRuleId))).toEqual([]);
  });

  it('reports a rename once, not as a removal and an addition', async () => {
    const r = await diffOf(
      base(),
      edited((m) => (m['manifest.json']!.inputs[0].name = 'features')),
    );
    expect(r.changes.filter((c) => c.path.startsWith('/inputs'))).toEqual([
      { path: '/inputs/x', kind: 'breaking', before: 'x', after: 'features', rule: 'input-renamed' },
    ]);
  });

  it('an input renamed and retyped at once is a removal and an addition', async () => {
    const r = await diffOf(
      base(),
      edited((m) => Object.assign(m['manifest.json']!.inputs[0], { name: 'features', dtype: 'Array[int64]' })),
    );
    expect(r.changes.filter((c) => c.path.startsWith('/inputs')).map((c) => c.rule)).toEqual(['input-removed', 'input-added']);
  });

  it('finds no change between identical artifacts, by size or by content, tar or directory form', async () => {
    const same = await diffOf(base(), base(), true);
    expect(same).toMatchObject({ content: true, counts: { breaking: 0, compatible: 0, info: 0 }, changes: [] });
    const dir = new DirStore(writeDirArtifact(base()));
    try {
      expect((await diffArtifacts(await storeOf(base()), dir, { content: true })).changes).toEqual([]);
    } finally {
      await dir.close();
    }
  });

  it('sees a same-size member change only with content, as SHA-256 before and after', async () => {
    const bytes = (fill: number) => new Uint8Array(64).fill(fill);
    const a = { ...base(), 'variant_artifacts/w.bin': bytes(1) };
    const b = { ...base(), 'variant_artifacts/w.bin': bytes(2) };
    expect((await diffOf(a, b)).changes).toEqual([]);
    const r = await diffOf(a, b, true);
    expect(r.changes).toHaveLength(1);
    expect(r.changes[0]).toMatchObject({ rule: 'member-changed', before: { size: 64 }, after: { size: 64 } });
    const { before, after } = r.changes[0]! as unknown as { before: { sha256: string }; after: { sha256: string } };
    expect(before.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(before.sha256).not.toBe(after.sha256);
  });

  it('entries without an id compare by their place (member#index), a repeated id by its occurrence (id#2)', async () => {
    const entry = (payload: Doc) => ({ id: 'run', producer: 't', producer_version: '1', producer_tags: [], payload });
    const withMeta = (list: unknown[]) => edited((m) => (m['meta.json'] = list as unknown as Doc));
    const r = await diffOf(
      withMeta([{}, { x: 1 }, entry({ a: 1 }), entry({ a: 2 })]),
      withMeta([{}, { x: 2 }, entry({ a: 1 }), entry({ a: 3 }), { y: 1 }]),
    );
    expect(r.changes.filter((c) => c.path.startsWith('/metadata/')).map((c) => [c.rule, c.path])).toEqual([
      ['meta-entry-changed', '/metadata/run#2'],
      ['meta-entry-changed', '/metadata/meta.json#1'],
      ['meta-entry-added', '/metadata/meta.json#4'],
    ]);
  });

  it('a card appended again under a new id with the same page is unchanged by content, changed by path', async () => {
    const other = CARD.replace('0001', '0002');
    const a = { ...base(), [CARD]: new Uint8Array(50).fill(7) };
    const b = { ...base(), [other]: new Uint8Array(50).fill(7) };
    expect((await diffOf(a, b)).changes.map((c) => c.rule)).toContain('card-changed');
    expect((await diffOf(a, b, true)).changes.map((c) => c.rule)).not.toContain('card-changed');
  });
});

describe('docs/diff.md', () => {
  it('holds the current rules table (npm run build:diff-doc)', () => {
    const text = readFileSync(join(import.meta.dirname, '..', 'docs/diff.md'), 'utf8');
    const start = text.indexOf(RULES_BEGIN);
    const end = text.indexOf(RULES_END);
    expect(start).toBeGreaterThan(0);
    expect(text.slice(start + RULES_BEGIN.length, end).trim()).toBe(rulesMarkdown());
  });
});
