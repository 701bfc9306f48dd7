#!/usr/bin/env node
/**
 * Writes the diff rules table (src/diff/rules.ts) into docs/diff.md between its markers.
 * Run after `npm run build` (it reads dist/diff/rules-doc.js): `npm run build:diff-doc`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { withRules } = await import(pathToFileURL(join(root, 'dist/diff/rules-doc.js')).href);
const doc = join(root, 'docs/diff.md');
writeFileSync(doc, withRules(readFileSync(doc, 'utf8')));
console.log('diff rules written to docs/diff.md');
