import jsonpatch from 'fast-json-patch';
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

/** Applies one checked patch to a copy of `doc`; a pointer that does not resolve names the member. */
export function applyPatch(doc: Json, ops: PatchOp[], member: string): Json {
  try {
    return jsonpatch.applyPatch(structuredClone(doc), ops, true, false).newDocument as Json;
  } catch (e) {
    throw new ArtifactError('PATCH_NOT_APPLICABLE', notApplicable(e, ops), { member });
  }
}

/** fast-json-patch's reason as a sentence that names the operation and the manifest path. */
function notApplicable(e: unknown, ops: PatchOp[]): string {
  const { index, name } = e as { index?: number; name?: string };
  const op = index === undefined ? undefined : ops[index];
  if (!op) return `cannot be applied: ${firstLine(e)}`;
  const which = `operation ${index} (${op.op} ${op.path || '/'})`;
  if (name === 'OPERATION_PATH_UNRESOLVABLE' || name === 'OPERATION_PATH_CANNOT_ADD') {
    const why =
      op.op === 'replace'
        ? `the manifest has nothing at ${op.path} to replace (use "add" to create it)`
        : `the manifest has nothing at the parent of ${op.path} (add creates one key or item; its parent must exist)`;
    return `${which} cannot be applied: ${why}`;
  }
  return `${which} cannot be applied: ${firstLine(e)}`;
}

function firstLine(e: unknown): string {
  return String((e as Error).message ?? e).split('\n')[0]!;
}
