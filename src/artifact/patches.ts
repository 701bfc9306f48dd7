import { ArtifactError, LimitError } from '../errors.js';
import { isObject, type Json } from './json-member.js';
import { manifestPatch } from './generated/shapes.js';
import { schemaFailures } from './schema-verdict.js';

export interface PatchOp {
  op: 'add' | 'replace';
  path: string;
  value: Json;
}

/**
 * Checks a parsed patch file against schemas/manifest-patch.json (the schema `validate` uses: an
 * RFC 6902 array of only `add`/`replace` ops with absolute pointers, "" the whole document), and
 * throws for the first operation that breaks it, with the code `validate` gives the same fault.
 */
export function checkPatch(doc: Json, member: string): PatchOp[] {
  const errors = schemaFailures(manifestPatch, doc);
  if (errors.length === 0) return doc as unknown as PatchOp[];
  if (!Array.isArray(doc)) throw new ArtifactError('PATCH_INVALID', 'a manifest patch must be a JSON array of operations', { member });
  const i = Math.min(...errors.map((e) => Number(e.instancePath.split('/')[1])));
  throw patchFault(doc[i], i, member);
}

/** Why operation `i` breaks the schema, with validate's code: an op other than add/replace is PATCH_OP_NOT_ALLOWED. */
function patchFault(op: Json | undefined, i: number, member: string): ArtifactError {
  const invalid = (why: string) => new ArtifactError('PATCH_INVALID', `operation ${i} ${why}`, { member });
  if (!isObject(op) || !Object.hasOwn(op, 'op')) return invalid('is not an {op, path, value} object');
  if (op.op !== 'add' && op.op !== 'replace') {
    return new ArtifactError('PATCH_OP_NOT_ALLOWED', `operation ${i} is ${JSON.stringify(op.op)}; only "add" and "replace" are allowed`, {
      member,
    });
  }
  if (typeof op.path !== 'string') return invalid('is not an {op, path, value} object');
  if (op.path !== '' && !op.path.startsWith('/')) return invalid(`has a relative pointer "${op.path}"`);
  return invalid('has no value');
}

/**
 * Most manifest patches one reading applies: each costs a member, a parse and a schema check, and
 * their count is the archive's choice (20,000 one-line patches are a 21 MB file).
 */
export function checkPatchCount(count: number, limit: number, member?: string): void {
  if (count > limit) {
    throw new LimitError('maxManifestPatches', `${count} manifest patches is over the limit of ${limit}`, { member });
  }
}

/**
 * Applies checked patches, in the order given, to ONE copy of a document (RFC 6902 `add` and
 * `replace` over RFC 6901 pointers). A copy per patch made 20,000 patches over a 1 MiB manifest
 * cost 20 GB of copying (186 s); here each operation costs its pointer and its value only.
 * A patch applies whole or not at all: an operation that cannot apply undoes the patch's earlier
 * ones and the error names its index, its pointer and why. Keys are set as own properties, so
 * "__proto__" in a patch is a key like any other, never a prototype.
 */
export class PatchedDocument {
  #root: Json;

  constructor(doc: Json) {
    this.#root = copyJson(doc);
  }

  get root(): Json {
    return this.#root;
  }

  /** Applies every operation of one patch, or throws PATCH_NOT_APPLICABLE with the document as before it. */
  apply(ops: PatchOp[], member: string): void {
    const undo: Array<() => void> = [];
    for (const [i, op] of ops.entries()) {
      const why = this.#applyOp(op, undo);
      if (why === undefined) continue;
      for (let u = undo.length - 1; u >= 0; u--) undo[u]!();
      throw new ArtifactError('PATCH_NOT_APPLICABLE', `operation ${i} (${op.op} ${op.path || '/'}) cannot be applied: ${why}`, {
        member,
      });
    }
  }

  /** Applies `op` in place, pushing how to take it back; or says why it cannot be. */
  #applyOp(op: PatchOp, undo: Array<() => void>): string | undefined {
    // A copy: a later operation may add inside this value, and the patch's own document must not change.
    const value = copyJson(op.value);
    if (op.path === '') {
      const before = this.#root;
      this.#root = value;
      undo.push(() => (this.#root = before));
      return undefined;
    }
    const tokens = op.path
      .slice(1)
      .split('/')
      .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
    const key = tokens.pop()!;
    let parent: Json | undefined = this.#root;
    for (const t of tokens) parent = parent === undefined ? undefined : childAt(parent, t);
    if (Array.isArray(parent)) return setItem(parent, key, value, op, undo);
    if (!isObject(parent))
      return `the manifest has nothing at the parent of ${op.path} (add creates one key or item; its parent must exist)`;
    const had = Object.hasOwn(parent, key);
    if (op.op === 'replace' && !had) return nothingToReplace(op.path);
    const object = parent;
    const before = object[key];
    setOwn(object, key, value);
    // Deleting a key that was absent restores the key order too; redefining one keeps its place.
    undo.push(had ? () => setOwn(object, key, before!) : () => delete object[key]);
    return undefined;
  }
}

function setOwn(object: { [key: string]: Json }, key: string, value: Json): void {
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
}

/** `doc` with each patch applied in order, on one copy; the first that cannot apply throws. */
export function applyPatches(doc: Json, patches: ReadonlyArray<{ member: string; ops: PatchOp[] }>): Json {
  if (patches.length === 0) return doc;
  const patched = new PatchedDocument(doc);
  for (const { member, ops } of patches) patched.apply(ops, member);
  return patched.root;
}

/**
 * A copy of the containers that shares the strings (they are immutable): structuredClone copied
 * them too, a manifest with a 63 MiB description cost that much again. Object.fromEntries defines
 * own properties, so a "__proto__" key stays a key. Depth is what the parse allowed (maxJsonDepth).
 */
function copyJson(value: Json): Json {
  if (Array.isArray(value)) return value.map(copyJson);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyJson(v)]));
  return value;
}

const nothingToReplace = (path: string) => `the manifest has nothing at ${path} to replace (use "add" to create it)`;

/** `add` inserts before an index (or appends at "-"); `replace` overwrites an existing item. */
function setItem(items: Json[], key: string, value: Json, op: PatchOp, undo: Array<() => void>): string | undefined {
  const last = op.op === 'add' ? items.length : items.length - 1;
  const index = op.op === 'add' && key === '-' ? items.length : arrayIndex(key);
  if (index === undefined || index > last) {
    return op.op === 'replace' && index !== undefined
      ? nothingToReplace(op.path)
      : `"${key}" is not an index of the array at the parent of ${op.path} (0 to ${last}${op.op === 'add' ? ', or "-" to append' : ''})`;
  }
  if (op.op === 'add') {
    items.splice(index, 0, value);
    undo.push(() => items.splice(index, 1));
  } else {
    const before = items[index]!;
    items[index] = value;
    undo.push(() => (items[index] = before));
  }
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
