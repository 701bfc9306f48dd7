/**
 * dtypes.json: custom dtype names, and each schema as far as the FNNX keyword subset goes.
 * Keywords outside the subset ($schema with a draft-04 or draft-07 URL, title, ...) are ignored,
 * as the format requires, so they never make a schema invalid.
 */
import { isObject, type Json } from '../artifact/json-member.js';
import { DTYPES } from '../artifact/root-files.js';
import { child, diag, type Diagnostic, type Place, pushAll } from './diagnostics.js';
import { RESERVED_DTYPE_NAMES } from './dtype-rules.js';
import { checkSchema } from './schema-check.js';

export function customDtypeRules(dtypes: { [name: string]: Json }): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, schema] of Object.entries(dtypes)) {
    const at = child({ member: DTYPES, pointer: '' }, name);
    pushAll(out, nameRules(name, at));
    const shape = checkSchema('dtypeSchema', schema, at, 'DTYPE_SCHEMA_INVALID');
    pushAll(out, shape);
    if (shape.length === 0) pushAll(out, referenceRules(schema, schema, at));
  }
  return out;
}

function nameRules(name: string, at: Place): Diagnostic[] {
  if (name.includes('['))
    return [diag('DTYPE_NAME_BRACKET', 'error', `custom dtype name "${name}" contains "[", which opens a parameterized form`, at)];
  if (RESERVED_DTYPE_NAMES.has(name))
    return [diag('DTYPE_NAME_RESERVED', 'error', `"${name}" is a reserved dtype name and cannot be redefined`, at)];
  if (!name.startsWith('ext::'))
    return [diag('DTYPE_NAME_PREFIX', 'info', `custom dtype names should start with "ext::" ("${name}" does not)`, at)];
  return [];
}

/** Subschema positions of the subset: where a walk continues. */
const ONE = ['not', 'if', 'then', 'else', 'additionalProperties', 'additionalItems', 'items'];
const LIST = ['anyOf', 'allOf', 'oneOf', 'items'];
const MAP = ['$defs', 'properties', 'patternProperties', 'dependencies'];

/** `$ref` must name one of the root's `$defs`; `pattern` and `patternProperties` must compile. */
function referenceRules(root: Json, node: Json, at: Place): Diagnostic[] {
  if (!isObject(node)) return [];
  const out: Diagnostic[] = [];
  const defs = isObject(root) && isObject(root.$defs) ? root.$defs : {};
  if (typeof node.$ref === 'string') {
    const name = decodePointerToken(node.$ref.slice('#/$defs/'.length));
    if (!Object.prototype.hasOwnProperty.call(defs, name)) {
      out.push(diag('DTYPE_SCHEMA_INVALID', 'error', `$ref "${node.$ref}" names no entry of $defs`, child(at, '$ref')));
    }
  }
  if (typeof node.pattern === 'string') pushAll(out, regexRule(node.pattern, child(at, 'pattern')));
  if (isObject(node.patternProperties)) {
    for (const p of Object.keys(node.patternProperties)) pushAll(out, regexRule(p, child(at, 'patternProperties', p)));
  }
  for (const k of ONE) if (isObject(node[k])) pushAll(out, referenceRules(root, node[k]!, child(at, k)));
  for (const k of LIST) {
    const list = node[k];
    if (Array.isArray(list)) list.forEach((s, i) => pushAll(out, referenceRules(root, s, child(at, k, i))));
  }
  for (const k of MAP) {
    const map = node[k];
    if (isObject(map)) for (const [key, s] of Object.entries(map)) pushAll(out, referenceRules(root, s, child(at, k, key)));
  }
  return out;
}

function regexRule(pattern: string, at: Place): Diagnostic[] {
  try {
    new RegExp(pattern);
    return [];
  } catch (e) {
    return [
      diag('DTYPE_SCHEMA_INVALID', 'error', `pattern ${JSON.stringify(pattern)} is not a regular expression: ${(e as Error).message}`, at),
    ];
  }
}

function decodePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}
