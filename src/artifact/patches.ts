import { ArtifactError } from '../errors.js';
import { isObject, type Json } from './json-member.js';

export interface PatchOp {
  op: 'add' | 'replace';
  path: string;
  value: Json;
}

/** Checks a parsed patch file is an RFC 6902 array of only `add`/`replace` ops. */
export function checkPatch(doc: Json, member: string): PatchOp[] {
  if (!Array.isArray(doc)) throw new ArtifactError('PATCH_INVALID', 'a manifest patch must be a JSON array of operations', { member });
  return doc.map((op, i) => {
    if (!isObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string') {
      throw new ArtifactError('PATCH_INVALID', `operation ${i} is not an {op, path, value} object`, { member });
    }
    if (op.op !== 'add' && op.op !== 'replace') {
      throw new ArtifactError('PATCH_OP_NOT_ALLOWED', `operation ${i} is "${op.op}"; only "add" and "replace" are allowed`, {
        member,
      });
    }
    if (op.path !== '' && !op.path.startsWith('/')) {
      throw new ArtifactError('PATCH_INVALID', `operation ${i} has a relative pointer "${op.path}"`, { member });
    }
    if (!Object.hasOwn(op, 'value')) throw new ArtifactError('PATCH_INVALID', `operation ${i} has no value`, { member });
    return { op: op.op, path: op.path, value: op.value as Json };
  });
}

/**
 * Applies one checked patch to a copy of `doc` (RFC 6902 `add` and `replace` over RFC 6901
 * pointers); an operation that cannot apply names its index, its pointer and why. Keys are set as
 * own properties, so "__proto__" in a patch is a key like any other, never a prototype.
 */
export function applyPatch(doc: Json, ops: PatchOp[], member: string): Json {
  return ops.reduce((root, op, i) => {
    const applied = applyOp(root, op);
    if ('why' in applied) {
      throw new ArtifactError('PATCH_NOT_APPLICABLE', `operation ${i} (${op.op} ${op.path || '/'}) cannot be applied: ${applied.why}`, {
        member,
      });
    }
    return applied.root;
  }, structuredClone(doc));
}

/** The document with `op` applied (in place, or a new root for the pointer ""), or why it cannot be. */
function applyOp(root: Json, op: PatchOp): { root: Json } | { why: string } {
  const value = structuredClone(op.value);
  if (op.path === '') return { root: value };
  const tokens = op.path
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
  const key = tokens.pop()!;
  let parent: Json | undefined = root;
  for (const t of tokens) parent = parent === undefined ? undefined : childAt(parent, t);
  if (Array.isArray(parent)) {
    const why = setItem(parent, key, value, op);
    return why ? { why } : { root };
  }
  if (!isObject(parent))
    return { why: `the manifest has nothing at the parent of ${op.path} (add creates one key or item; its parent must exist)` };
  if (op.op === 'replace' && !Object.hasOwn(parent, key)) return { why: nothingToReplace(op.path) };
  Object.defineProperty(parent, key, { value, writable: true, enumerable: true, configurable: true });
  return { root };
}

const nothingToReplace = (path: string) => `the manifest has nothing at ${path} to replace (use "add" to create it)`;

/** `add` inserts before an index (or appends at "-"); `replace` overwrites an existing item. */
function setItem(items: Json[], key: string, value: Json, op: PatchOp): string | undefined {
  const last = op.op === 'add' ? items.length : items.length - 1;
  const index = op.op === 'add' && key === '-' ? items.length : arrayIndex(key);
  if (index === undefined || index > last) {
    return op.op === 'replace' && index !== undefined
      ? nothingToReplace(op.path)
      : `"${key}" is not an index of the array at the parent of ${op.path} (0 to ${last}${op.op === 'add' ? ', or "-" to append' : ''})`;
  }
  if (op.op === 'add') items.splice(index, 0, value);
  else items[index] = value;
  return undefined;
}

/** A pointer token into a container: an own key of an object, an item of an array; else undefined. */
function childAt(container: Json, token: string): Json | undefined {
  if (Array.isArray(container)) {
    const index = arrayIndex(token);
    return index === undefined ? undefined : container[index];
  }
  return isObject(container) && Object.hasOwn(container, token) ? container[token] : undefined;
}

/** RFC 6901 array index: "0", or digits without a leading zero (safe integers only). */
function arrayIndex(token: string): number | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
  const n = Number(token);
  return Number.isSafeInteger(n) ? n : undefined;
}
