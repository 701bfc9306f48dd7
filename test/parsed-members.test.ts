/**
 * ParsedMembers: an append reads the artifact, validates it as it would be and (when that finds
 * errors) as it is, and parses each JSON member of the artifact once for all three. Reads are
 * counted through a wrapper around a real TarStore.
 */
import { describe, expect, it } from 'vitest';
import { checkedPlanner } from '../src/append/checked.js';
import { metaAppendMembers } from '../src/append/meta.js';
import { ParsedMembers, budgetedJsonReader, DEFAULT_JSON_LIMITS } from '../src/artifact/json-member.js';
import type { MemberStore } from '../src/artifact/member-store.js';
import { readArtifact } from '../src/artifact/reader.js';
import { TarStore } from '../src/artifact/tar-store.js';
import { LimitError } from '../src/errors.js';
import { MemorySource } from '../src/source/memory-source.js';
import { soundRoot } from './helpers/hostile-corpus.js';
import { file, tar } from './helpers/hostile-tar.js';

const entry = (id: string) => ({ id, producer: 'p', producer_version: '1', producer_tags: [], payload: { n: 1 } });

/** A store whose reads are counted by member name. */
function counted(store: MemberStore): { store: MemberStore; reads: Map<string, number> } {
  const reads = new Map<string, number>();
  const wrapper: MemberStore = {
    label: store.label,
    members: (s) => store.members(s),
    fileIndex: (s) => store.fileIndex(s),
    sizeOf: (n, s) => store.sizeOf(n, s),
    read: (n, s) => {
      reads.set(n, (reads.get(n) ?? 0) + 1);
      return store.read(n, s);
    },
    stream: (n, o) => store.stream(n, o),
    close: () => store.close(),
  };
  return { store: wrapper, reads };
}

function artifact(extra: Uint8Array[][] = [], overrides: Record<string, string> = {}): TarStore {
  return new TarStore(new MemorySource(tar([...soundRoot({ 'meta.json': JSON.stringify([entry('a')]), ...overrides }), ...extra])));
}

describe('an append parses each member once', () => {
  it('its reading, the check of the result and the check of the artifact as it is share one parse per member', async () => {
    // A manifest without its required keys is an error already there, so the check also validates the artifact as it is.
    const broken = artifact([file('meta-00000000000000000000000000000001.json', JSON.stringify([entry('b')]))], { 'manifest.json': '{}' });
    const { store, reads } = counted(broken);
    const parsed = new ParsedMembers();
    const contents = await readArtifact(store, { parsed, metricsOnly: true });
    const plan = checkedPlanner(async () => metaAppendMembers([entry('c')], [], 'ff'.repeat(16)), 'model.fnnx', {
      file: 'e.json',
      as: 'the --entry file',
    });
    await plan(store, contents, parsed);
    expect(reads.size).toBeGreaterThan(0);
    for (const name of ['manifest.json', 'meta.json', 'meta-00000000000000000000000000000001.json', 'ops.json', 'env.json']) {
      expect(reads.get(name), name).toBe(1);
    }
  });

  it('without the shared parses, the same append reads them again (what the sharing saves)', async () => {
    const { store, reads } = counted(artifact());
    const contents = await readArtifact(store);
    const plan = checkedPlanner(async () => metaAppendMembers([entry('c')], [], 'ff'.repeat(16)), 'model.fnnx', {
      file: 'e.json',
      as: 'the --entry file',
    });
    await plan(store, contents);
    expect(reads.get('manifest.json')).toBeGreaterThan(1);
  });
});

describe('ParsedMembers', () => {
  it('a name excepted is parsed anew and never kept; the rest is shared', () => {
    const parsed = new ParsedMembers();
    parsed.set('a.json', 256, { value: 1, values: 0 });
    parsed.set('b.json', 256, { value: 2, values: 0 });
    const view = parsed.except(['a.json']);
    expect(view.get('a.json', 256)).toBeUndefined();
    expect(view.get('b.json', 256)?.value).toBe(2);
    view.set('a.json', 256, { value: 3, values: 0 });
    expect(parsed.get('a.json', 256)?.value).toBe(1);
  });

  it('a parse made under another depth bound is not reused, and a reused one is refused past the same value count', async () => {
    const store = artifact();
    const parsed = new ParsedMembers();
    await budgetedJsonReader(store, DEFAULT_JSON_LIMITS, undefined, parsed)('meta.json');
    expect(parsed.get('meta.json', DEFAULT_JSON_LIMITS.maxJsonDepth)).toBeDefined();
    expect(parsed.get('meta.json', 3)).toBeUndefined();
    const tight = { ...DEFAULT_JSON_LIMITS, maxJsonValues: 1 };
    const fresh = await budgetedJsonReader(store, tight)('meta.json').catch((e: unknown) => e);
    const reused = await budgetedJsonReader(store, tight, undefined, parsed)('meta.json').catch((e: unknown) => e);
    expect(fresh).toBeInstanceOf(LimitError);
    expect(reused).toBeInstanceOf(LimitError);
    expect((reused as LimitError).message).toBe((fresh as LimitError).message);
    expect((reused as LimitError).limit).toBe((fresh as LimitError).limit);
  });
});
