/** The artifact reader: effective manifest and metadata, JSON limits and errors, on tars built in code. */
import { describe, expect, it } from 'vitest';
import { ArtifactError, CountingSource, LimitError, MemorySource, TarStore, readArtifact, type ArtifactContents } from '../src/index.js';
import { MANIFEST, artifact, metaEntry, packTar, type Members } from './helpers/foreign-pack.js';

async function read(members: Members, options?: Parameters<typeof readArtifact>[1]): Promise<ArtifactContents> {
  return readArtifact(new TarStore(new MemorySource(await packTar(members))), options);
}

async function rejection(members: Members, options?: Parameters<typeof readArtifact>[1]): Promise<ArtifactError | LimitError> {
  try {
    await read(members, options);
  } catch (e) {
    if (e instanceof ArtifactError || e instanceof LimitError) return e;
    throw e;
  }
  throw new Error('readArtifact succeeded');
}

describe('effective manifest', () => {
  it('applies patches in byte order of name (manifest-B before manifest-a), not archive or locale order', async () => {
    const a = await read(
      artifact([
        ['manifest-a.patch.json', [{ op: 'replace', path: '/name', value: 'from-a' }]],
        [
          'manifest-B.patch.json',
          [
            { op: 'replace', path: '/name', value: 'from-B' },
            { op: 'add', path: '/producer_tags/-', value: 'added-by-B' },
          ],
        ],
      ]),
    );
    expect(a.patches).toEqual(['manifest-B.patch.json', 'manifest-a.patch.json']);
    expect(a.manifest.name).toBe('from-a');
    expect(a.manifest.producer_tags).toEqual(['added-by-B']);
    expect(a.storedManifest.name).toBe(MANIFEST.name);
  });

  it('refuses a patch with "remove" as PATCH_OP_NOT_ALLOWED naming the patch', async () => {
    const e = await rejection(artifact([['manifest-1.patch.json', [{ op: 'remove', path: '/description' }]]]));
    expect(e.code).toBe('PATCH_OP_NOT_ALLOWED');
    expect(e.member).toBe('manifest-1.patch.json');
  });

  it('a patch below the root (not a root file) is not applied', async () => {
    const a = await read(artifact([['meta_artifacts/x/manifest-z.patch.json', [{ op: 'replace', path: '/name', value: 'no' }]]]));
    expect(a.manifest.name).toBe(MANIFEST.name);
    expect(a.patches).toEqual([]);
  });
});

describe('effective metadata', () => {
  it('is meta.json then the sidecars in byte order of name, whatever their archive order', async () => {
    const a = await read(
      artifact([
        ['meta-b.json', [metaEntry('from-b', [])]],
        ['meta.json', [metaEntry('from-meta', [])]],
        ['meta-B.json', [metaEntry('from-B-1', []), metaEntry('from-B-2', [])]],
      ]),
    );
    expect(a.metadata.map((m) => [m.entry.id, m.member, m.index])).toEqual([
      ['from-meta', 'meta.json', 0],
      ['from-B-1', 'meta-B.json', 0],
      ['from-B-2', 'meta-B.json', 1],
      ['from-b', 'meta-b.json', 0],
    ]);
    expect(a.warnings).toEqual([]);
  });

  it('keeps a legacy {id, tags, payload} entry with a warning, and uses its tags for metrics', async () => {
    const legacy = { id: 'card', tags: ['dataforce.studio::registry_metrics:v1'], payload: { metrics: { acc: 0.9 } } };
    const a = await read(artifact([['meta-0123456789abcdef0123456789abcdef.json', [legacy]]]));
    expect(a.metadata).toHaveLength(1);
    expect(a.metadata[0]).toMatchObject({ legacy: true, conforms: false, tags: legacy.tags, entry: legacy });
    expect(a.warnings.map((w) => w.code)).toEqual(['META_ENTRY_LEGACY']);
    expect(a.metrics).toEqual({ acc: 0.9 });
  });

  it('a sidecar that is not JSON is skipped with a warning naming it; the rest is read', async () => {
    const a = await read(
      artifact([
        ['meta.json', [metaEntry('ok', [])]],
        ['meta-bad.json', '[{'],
      ]),
    );
    expect(a.metadata.map((m) => m.entry.id)).toEqual(['ok']);
    expect(a.warnings).toEqual([expect.objectContaining({ code: 'JSON_INVALID', member: 'meta-bad.json' })]);
  });
});

describe('metrics, as the registry client computes them (FORMAT.md, "What the registry does")', () => {
  const CLASSIFICATION = 'dataforce.studio::tabular_classification:v1';
  const REGRESSION = 'dataforce.studio::tabular_regression:v1';
  const CLS_METRICS = 'falcon.beastbyte.ai::tabular_classification_metrics:v1';
  const REG_METRICS = 'falcon.beastbyte.ai::tabular_regression_metrics:v1';
  const REGISTRY = 'dataforce.studio::registry_metrics:v1';
  const tabular = (performance: object) => ({ metrics: { performance } });
  const metricsOf = async (tags: string[], meta: object[]) =>
    (await read(artifact([['meta.json', meta]], { ...MANIFEST, producer_tags: tags }))).metrics;
  const registry = metaEntry('reg', [REGISTRY], { metrics: { from: 'registry' } });

  it('(1) a tabular task takes eval_holdout without N_SAMPLES', async () => {
    const perf = { eval_holdout: { ACC: 0.9, N_SAMPLES: 100 }, eval_cv: { ACC: 0.8 } };
    expect(await metricsOf([CLASSIFICATION], [metaEntry('m', [CLS_METRICS], tabular(perf)), registry])).toEqual({ ACC: 0.9 });
  });

  it('(1) falls back to eval_cv (without N_SAMPLES) when eval_holdout is empty or absent', async () => {
    expect(
      await metricsOf([REGRESSION], [metaEntry('m', [REG_METRICS], tabular({ eval_holdout: {}, eval_cv: { R2: 0.5, N_SAMPLES: 7 } }))]),
    ).toEqual({ R2: 0.5 });
    expect(await metricsOf([REGRESSION], [metaEntry('m', [REG_METRICS], tabular({ eval_cv: { R2: 0.4 } }))])).toEqual({ R2: 0.4 });
  });

  it('(1) a non-empty performance with neither split gives {} and looks no further (registry_metrics ignored)', async () => {
    expect(await metricsOf([CLASSIFICATION], [metaEntry('m', [CLS_METRICS], tabular({ other: 1 })), registry])).toEqual({});
  });

  it('(1) uses the first tabular-metrics entry, not a later one', async () => {
    const first = metaEntry('a', [CLS_METRICS], tabular({ eval_holdout: { ACC: 1 } }));
    const second = metaEntry('b', [REG_METRICS], tabular({ eval_holdout: { ACC: 2 } }));
    expect(await metricsOf([CLASSIFICATION], [first, second])).toEqual({ ACC: 1 });
  });

  it('(1→2) an empty or missing performance falls through to registry_metrics', async () => {
    expect(await metricsOf([CLASSIFICATION], [metaEntry('m', [CLS_METRICS], tabular({})), registry])).toEqual({ from: 'registry' });
    expect(await metricsOf([CLASSIFICATION], [metaEntry('m', [CLS_METRICS], { other: 1 }), registry])).toEqual({ from: 'registry' });
  });

  it('(2) without a tabular task tag, tabular metrics are ignored and registry_metrics payload.metrics is the result', async () => {
    expect(await metricsOf([], [metaEntry('m', [CLS_METRICS], tabular({ eval_holdout: { ACC: 1 } })), registry])).toEqual({
      from: 'registry',
    });
  });

  it('(2) a non-empty payload without metrics gives {}', async () => {
    expect(await metricsOf([], [metaEntry('r', [REGISTRY], { notes: 'x' })])).toEqual({});
  });

  it('(3) the first registry_metrics entry with an empty payload gives {}, even if a later one has metrics', async () => {
    expect(await metricsOf([], [metaEntry('r', [REGISTRY], {}), registry])).toEqual({});
  });

  it('(3) no matching entry gives {}', async () => {
    expect(await metricsOf([CLASSIFICATION], [metaEntry('x', ['other'], { metrics: { a: 1 } })])).toEqual({});
  });

  it('reads producer_tags from the effective manifest (a patch can add the task tag)', async () => {
    const meta = [metaEntry('m', [CLS_METRICS], tabular({ eval_holdout: { ACC: 0.7 } })), registry];
    const a = await read(
      artifact([
        ['meta.json', meta],
        ['manifest-1.patch.json', [{ op: 'add', path: '/producer_tags/-', value: CLASSIFICATION }]],
      ]),
    );
    expect(a.metrics).toEqual({ ACC: 0.7 });
  });
});

describe('root JSON files', () => {
  it('a member over maxJsonMember is a LimitError naming the member and the option, refused before its bytes are read', async () => {
    const bytes = await packTar(artifact([['ops.json', { pad: 'x'.repeat(5000) }]]));
    const counted = new CountingSource(new MemorySource(bytes));
    const store = new TarStore(counted);
    const index = await store.fileIndex();
    counted.log.length = 0;
    const e = await readArtifact(store, { limits: { maxJsonMember: 4096 } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LimitError);
    expect(e).toMatchObject({ limit: 'maxJsonMember', member: 'ops.json' });
    const [opsAt] = index['ops.json']!;
    expect(counted.log.filter(([at]) => at === opsAt)).toEqual([]);
  });

  it('a parse error is JSON_INVALID naming the member', async () => {
    const e = await rejection([
      ['manifest.json', MANIFEST],
      ['ops.json', '[{"id": '],
      ['variant_config.json', {}],
    ]);
    expect(e).toMatchObject({ code: 'JSON_INVALID', member: 'ops.json' });
  });

  it('a missing manifest.json is ROOT_FILE_MISSING; missing dtypes/env/meta read as empty', async () => {
    expect(
      await rejection([
        ['ops.json', []],
        ['variant_config.json', {}],
      ]),
    ).toMatchObject({ code: 'ROOT_FILE_MISSING', member: 'manifest.json' });
    const a = await read(artifact());
    expect([a.dtypes, a.env, a.metadata]).toEqual([{}, {}, []]);
  });

  it('a root file of the wrong JSON type is ROOT_FILE_TYPE', async () => {
    expect(
      await rejection([
        ['manifest.json', MANIFEST],
        ['ops.json', {}],
        ['variant_config.json', {}],
      ]),
    ).toMatchObject({ code: 'ROOT_FILE_TYPE', member: 'ops.json' });
  });

  it('the last of two manifest.json members wins', async () => {
    const a = await read([...artifact(), ['manifest.json', { ...MANIFEST, name: 'second' }]]);
    expect(a.manifest.name).toBe('second');
  });
});
