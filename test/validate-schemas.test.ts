import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { schemaErrors } from '../src/validate/schema-check.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const schemaFiles = readdirSync(join(root, 'schemas')).filter((f) => f.endsWith('.json'));

describe('schemas/ and their compiled validators', () => {
  it('gives every schema an $id and publishes the folder with the package', () => {
    expect(schemaFiles.length).toBeGreaterThanOrEqual(12);
    for (const f of schemaFiles)
      expect(JSON.parse(readFileSync(join(root, 'schemas', f), 'utf8')).$id).toBe(`https://fnnx-kit.dev/schemas/${f}`);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[]; scripts: Record<string, string> };
    expect(pkg.files).toContain('schemas');
    expect(pkg.scripts.build).toContain('build:schemas');
  });

  it('keeps the committed standalone module in step with schemas/ (compile-schemas --check)', () => {
    const r = spawnSync(process.execPath, [join(root, 'scripts/compile-schemas.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('compiles to code that imports nothing (no ajv at run time, no eval in a browser)', () => {
    const code = readFileSync(join(root, 'src/validate/generated/schemas.ts'), 'utf8');
    expect(code).not.toMatch(/\brequire\(|^import /m);
    expect(code).not.toMatch(/new Function|eval\(/);
  });

  it('validates an upload descriptor: lower-case SHA-256, a file_index of [offset, size] pairs', () => {
    const manifest = {
      variant: 'pyfunc',
      producer_name: 'p',
      producer_version: '1',
      producer_tags: [],
      inputs: [],
      outputs: [],
      dynamic_attributes: [],
      env_vars: [],
    };
    const good = {
      file_name: 'm.luml',
      file_hash: 'a'.repeat(64),
      size: 10240,
      manifest,
      metrics: {},
      file_index: { 'manifest.json': [512, 200] },
    };
    expect(schemaErrors('uploadDescriptor', good)).toEqual([]);
    const bad = { ...good, file_hash: 'A'.repeat(64), file_index: { 'manifest.json': [512] } };
    expect(schemaErrors('uploadDescriptor', bad).map((e) => e.instancePath)).toEqual(['/file_hash', '/file_index/manifest.json']);
  });

  it('keeps the validator core and the ONNX reader free of node: imports (the browser runs them)', () => {
    const core = [
      ...readdirSync(join(root, 'src/validate'))
        .filter((f) => f.endsWith('.ts') && f !== 'node.ts')
        .map((f) => join(root, 'src/validate', f)),
      ...readdirSync(join(root, 'src/onnx')).map((f) => join(root, 'src/onnx', f)),
    ];
    for (const file of core) expect(readFileSync(file, 'utf8'), file).not.toMatch(/from ['"]node:|\.\.\/node\//);
  });
});
