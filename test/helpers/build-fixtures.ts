import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Json } from '../../src/artifact/json-member.js';

/** A manifest with every required key, for artifacts the tests build. */
export function minimalManifest(extra: { [key: string]: Json } = {}): { [key: string]: Json } {
  return {
    variant: 'pipeline',
    producer_name: 'fnnx-kit-tests',
    producer_version: '0.0.0',
    producer_tags: [],
    inputs: [],
    outputs: [],
    dynamic_attributes: [],
    env_vars: [],
    ...extra,
  };
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Every regular file under `dir`: relative path → bytes. */
export function readTree(dir: string, prefix = ''): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    const st = statSync(join(dir, rel));
    if (st.isDirectory()) for (const [k, v] of readTree(dir, rel)) out.set(k, v);
    else out.set(rel, readFileSync(join(dir, rel)));
  }
  return out;
}

export function gnuTarExtract(archive: string, into: string): void {
  mkdirSync(into, { recursive: true });
  execFileSync('tar', ['-xf', archive, '-C', into]);
}

export function pythonExtract(archive: string, into: string): void {
  mkdirSync(into, { recursive: true });
  const script = [
    'import sys, tarfile',
    'with tarfile.open(sys.argv[1]) as t:',
    '    kw = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}',
    '    t.extractall(sys.argv[2], **kw)',
  ].join('\n');
  execFileSync('python3', ['-c', script, archive, into]);
}

/** GNU tar's listing: one member name a line. */
export function gnuTarList(archive: string): string[] {
  return execFileSync('tar', ['-tf', archive], { encoding: 'utf8' }).split('\n').filter(Boolean);
}
