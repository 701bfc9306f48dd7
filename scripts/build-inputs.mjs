#!/usr/bin/env node
/**
 * The digest of what the build of dist/ reads, kept beside the output in dist/.build-inputs, so
 * the test setup builds only when a build input changed (test/global-setup.ts). `npm run build`
 * runs this last (`node scripts/build-inputs.mjs --write`): a fresh `npm ci` is not built twice.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const INPUTS = ['src', 'schemas', 'scripts', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];
export const STAMP = join(ROOT, 'dist/.build-inputs');

/** SHA-256 over every build input's path and bytes, in sorted order. */
export function inputsDigest() {
  const hash = createHash('sha256');
  const add = (rel) => {
    const path = join(ROOT, rel);
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) add(join(rel, name));
      return;
    }
    hash.update(`${rel}\0`).update(readFileSync(path)).update('\0');
  };
  for (const input of INPUTS) add(input);
  return hash.digest('hex');
}

/** Whether dist/ was built from the inputs as they are now. */
export function builtFromCurrentInputs() {
  try {
    return readFileSync(STAMP, 'utf8') === inputsDigest();
  } catch {
    return false;
  }
}

export function writeStamp() {
  writeFileSync(STAMP, inputsDigest());
}

if (process.argv[2] === '--write') writeStamp();
