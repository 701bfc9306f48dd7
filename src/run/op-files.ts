/**
 * Which members one ONNX_v1 op's session is made from (its model.onnx and the files beside it:
 * external data), refused before any is read when together they are over maxRunModel. One rule
 * for the Node child and the page.
 */
import type { FileIndex } from '../tar/entry.js';
import { diag } from '../validate/diagnostics.js';
import { RunRefusal, type RunOp } from './run-pipeline.js';

export interface OpFiles {
  /** `ops_artifacts/<id>/`. */
  folder: string;
  /** `ops_artifacts/<id>/model.onnx`. */
  model: string;
  /** Every member under the folder, the model included. */
  members: string[];
  /** Their bytes together. */
  total: number;
}

export function opFiles(op: RunOp, files: FileIndex, maxRunModel: number): OpFiles {
  const folder = `ops_artifacts/${op.id}/`;
  const model = `${folder}model.onnx`;
  const members = Object.keys(files).filter((n) => n.startsWith(folder));
  const total = members.reduce((n, m) => n + files[m]![1], 0);
  if (total > maxRunModel) {
    throw new RunRefusal(
      diag(
        'LIMIT_EXCEEDED',
        'error',
        `op "${op.id}": its model and the files beside it hold ${total} bytes, more than maxRunModel (${maxRunModel}); it was not read`,
        { ...op.at, member: model, pointer: '' },
      ),
    );
  }
  if (files[model] === undefined) throw new Error(`the artifact holds no ${model}`);
  return { folder, model, members, total };
}
