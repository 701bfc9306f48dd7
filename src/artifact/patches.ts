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
  if (!Array.isArray(doc)) throw new ArtifactError('BAD_PATCH', 'a manifest patch must be a JSON array of operations', { member });
  return doc.map((op, i) => {
    if (!isObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string') {
      throw new ArtifactError('BAD_PATCH', `operation ${i} is not an {op, path, value} object`, { member });
    }
    if (op.op !== 'add' && op.op !== 'replace') {
      throw new ArtifactError('PATCH_OP_NOT_ALLOWED', `operation ${i} is "${op.op}"; only "add" and "replace" are allowed`, {
        member,
      });
    }
    if (op.path !== '' && !op.path.startsWith('/')) {
      throw new ArtifactError('BAD_PATCH', `operation ${i} has a relative pointer "${op.path}"`, { member });
    }
    if (!Object.hasOwn(op, 'value')) throw new ArtifactError('BAD_PATCH', `operation ${i} has no value`, { member });
    return { op: op.op, path: op.path, value: op.value as Json };
  });
}

/** Applies one checked patch to a copy of `doc`; a pointer that does not resolve names the member. */
export function applyPatch(doc: Json, ops: PatchOp[], member: string): Json {
  try {
    return jsonpatch.applyPatch(structuredClone(doc), ops, true, false).newDocument as Json;
  } catch (e) {
    throw new ArtifactError('PATCH_NOT_APPLICABLE', `cannot be applied: ${firstLine(e)}`, { member });
  }
}

function firstLine(e: unknown): string {
  return String((e as Error).message ?? e).split('\n')[0]!;
}
