/**
 * Names from artifacts are never object keys that reach the prototype: members, metadata ids,
 * dtype names and op ids called __proto__, constructor, toString or hasOwnProperty are names like
 * any other, through index, inspect, validate, cat, verify, download --descriptor and --limit.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protoNamesArtifact, PROTO_NAMES } from './helpers/hostile-corpus.js';
import { runCli } from './helpers/cli.js';
import { runCliAsync } from './helpers/run-cli-async.js';
import { tempDir } from './helpers/paths.js';
import { startRangeServer, type RangeServer } from './helpers/range-server.js';

let dir: string;
let artifact: string;
let index: Record<string, [number, number]>;
let server: RangeServer;

beforeAll(async () => {
  dir = tempDir('fnnx-proto-');
  artifact = join(dir, 'proto.fnnx');
  writeFileSync(artifact, protoNamesArtifact());
  const r = runCli(['index', artifact]);
  expect(r.code, r.stderr).toBe(0);
  index = JSON.parse(r.stdout) as Record<string, [number, number]>;
  server = await startRangeServer(dir);
});
afterAll(async () => {
  await server?.close();
});

/** A descriptor's file_index without `drop`, as a plain JSON object (what a user hands us). */
function descriptorWithout(drop: string[], add: Record<string, [number, number]> = {}): string {
  const file_index = Object.fromEntries([...Object.entries(index).filter(([k]) => !drop.includes(k)), ...Object.entries(add)]);
  const path = join(dir, `descriptor-${drop.join('-')}-${Object.keys(add).join('-')}.json`);
  writeFileSync(path, JSON.stringify({ file_index }));
  return path;
}

describe('members named like Object.prototype properties', () => {
  it('index lists each of them with its own range', () => {
    for (const name of PROTO_NAMES) {
      expect(Object.hasOwn(index, name), name).toBe(true);
      expect(index[name]![1], name).toBe(name.length);
    }
  });

  it('inspect --json and cat find them as members, and a missing valueOf stays missing', () => {
    const doc = JSON.parse(runCli(['inspect', artifact, '--json']).stdout) as {
      members: Array<{ name: string }>;
      metadata: Array<{ id: string }>;
    };
    expect(doc.members.map((m) => m.name)).toEqual(expect.arrayContaining(PROTO_NAMES));
    expect(doc.metadata.map((m) => m.id)).toEqual(expect.arrayContaining(PROTO_NAMES));
    expect(runCli(['cat', artifact, 'toString']).stdout).toBe('toString');
    const missing = runCli(['cat', artifact, 'valueOf']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('(NO_SUCH_MEMBER)');
  });

  it('validate reads them as plain names: duplicate metadata ids and an undefined dtype are found, no INTERNAL', () => {
    const r = runCli(['validate', artifact, '--json']);
    const report = JSON.parse(r.stdout) as { diagnostics: Array<{ code: string; message: string }> };
    const codes = report.diagnostics.map((d) => d.code);
    expect(codes).not.toContain('INTERNAL');
    // toString is not among dtypes.json's names (which include __proto__ and constructor).
    expect(report.diagnostics.filter((d) => d.code === 'DTYPE_UNDEFINED').map((d) => d.message)).toEqual([
      'dtype "toString" is not defined in dtypes.json',
    ]);
    expect(report.diagnostics.filter((d) => d.code === 'META_ID_DUPLICATE')).toHaveLength(PROTO_NAMES.length);
    expect(report.diagnostics.filter((d) => d.code === 'ONNX_MODEL_MISSING').map((d) => d.message)).toEqual([
      'ONNX_v1 op "constructor" has no model at ops_artifacts/constructor/model.onnx',
    ]);
  });

  it('verify reports a descriptor member named constructor that the file lacks', () => {
    const r = runCli(['verify', artifact, '--descriptor', descriptorWithout(['constructor']), '--sha256', sha256(artifact)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('file_index: "constructor" is not in the descriptor');
  });
});

describe('download --descriptor', () => {
  it('refuses a file holding toString when the descriptor does not list it (INDEX_MISMATCH)', async () => {
    const r = await runCliAsync([
      'download',
      server.url('proto.fnnx'),
      '-o',
      join(dir, 'got1.fnnx'),
      '--descriptor',
      descriptorWithout(['toString']),
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^fnnx-kit: http:\/\/127\.0\.0\.1:\d+\/\S*: toString: .*\(INDEX_MISMATCH\)$/m);
  });

  it('refuses a descriptor that lacks hasOwnProperty and expects a valueOf the file does not have', async () => {
    const r = await runCliAsync([
      'download',
      server.url('proto.fnnx'),
      '-o',
      join(dir, 'got2.fnnx'),
      '--descriptor',
      descriptorWithout(['hasOwnProperty'], { valueOf: [0, 1] as [number, number] }),
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('(INDEX_MISMATCH)');
  });

  it('accepts the exact file_index, every prototype-named member included', async () => {
    const r = await runCliAsync([
      'download',
      server.url('proto.fnnx'),
      '-o',
      join(dir, 'got3.fnnx'),
      '--descriptor',
      descriptorWithout([]),
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { verified: string[] }).verified).toContain('file_index');
  });
});

describe('--limit', () => {
  it.each(['toString', 'constructor', 'hasOwnProperty', 'valueOf'])('--limit %s=1 is an unknown limit (BAD_LIMIT, exit 2)', (name) => {
    const r = runCli(['inspect', artifact, '--limit', `${name}=1`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('(BAD_LIMIT)');
  });
});

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
