/**
 * The child process of validate --run (run-check.ts starts it): loads onnxruntime-node, which only
 * this process ever does, so a crash or a hang of the native runtime ends here, not in the caller.
 * Reads the artifact itself (file, directory or URL), each model straight from its member, and
 * answers with the findings. Files are written only for a model with external data, into the
 * private folder the parent made and removes.
 */
import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readArtifact } from '../artifact/reader.js';
import type { MemberStore } from '../artifact/member-store.js';
import { FnnxError } from '../errors.js';
import { checkMemberPath, memberSegments } from '../safety/member-path.js';
import { opFiles } from '../run/op-files.js';
import { zeroData } from '../run/run-values.js';
import { runChecks, type RunOp, type RunRuntime, type RunSession } from '../run/run-pipeline.js';
import { openStoreWith, type OpenKnobs } from './open.js';
import type { ChildAnswer, ChildJob } from './run-protocol.js';

type Ort = typeof import('onnxruntime-node');
/** Models up to this size go to the runtime as bytes; larger ones through the private folder. */
const BYTES_UP_TO = 64 * 1024 * 1024;
type OrtTensor = import('onnxruntime-node').Tensor;

const send = (answer: ChildAnswer) => new Promise<void>((resolve) => void process.send!(answer, undefined, undefined, () => resolve()));

// The parent gone (killed), nobody waits for an answer: end, whatever the runtime is doing.
process.once('disconnect', () => process.exit(1));
process.once('message', (job: ChildJob) => {
  void main(job).then(
    () => process.exit(0),
    async (e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      await send(
        e instanceof FnnxError ? { type: 'failed', message, code: e.code, kind: e.kind, member: e.member } : { type: 'failed', message },
      );
      process.exit(0);
    },
  );
});

async function main(job: ChildJob): Promise<void> {
  let ort: Ort;
  try {
    ort = await import('onnxruntime-node');
  } catch (e) {
    await send({ type: 'missing', message: e instanceof Error ? e.message : String(e) });
    return;
  }
  const open: OpenKnobs = { index: job.index, limits: job.limits, remote: job.remote, blocking: true };
  const store = await openStoreWith(job.target, open);
  try {
    const contents = await readArtifact(store, { limits: job.limits });
    const runtime = ortRuntime(ort, store, contents.fileIndex, job);
    // Findings go to the parent as they are made: a timeout or a crash later keeps them.
    let sent = 0;
    const docs = { manifest: contents.manifest, ops: contents.ops, variantConfig: contents.variantConfig };
    const diagnostics = await runChecks(docs, runtime, {
      dims: job.dims,
      onStep: (what, found) => {
        void send({ type: 'step', what, found: found.slice(sent) });
        sent = found.length;
      },
    });
    await send({ type: 'done', diagnostics: diagnostics.slice(sent) });
  } finally {
    await store.close();
  }
}

function ortRuntime(ort: Ort, store: MemberStore, files: Record<string, [number, number]>, job: ChildJob): RunRuntime<OrtTensor> {
  const options = { logSeverityLevel: 3 as const, graphOptimizationLevel: 'basic' as const };
  return {
    name: `onnxruntime-node ${ort.env.versions.node ?? ort.env.versions.common}`,
    async load(op: RunOp): Promise<RunSession<OrtTensor>> {
      const { folder, model, members, total } = opFiles(op, files, job.maxRunModel);
      // A small model alone goes to the runtime as bytes. With files beside it (external data) the
      // runtime resolves them next to a model path, and from a path it holds a big model about
      // once (from bytes, twice: ours and its copy, bench/validate-run.mjs), so the folder is
      // copied, chunk by chunk, into the private one.
      if (members.length === 1 && total <= BYTES_UP_TO) return ort.InferenceSession.create(await store.read(model), options);
      const dir = join(job.tempDir, op.id);
      for (const m of members) await copyMember(store, m, join(dir, ...memberSegments(m.slice(folder.length))));
      return ort.InferenceSession.create(join(dir, 'model.onnx'), options);
    },
    zeros(type, dims) {
      const n = dims.reduce((a, b) => a * b, 1);
      return new ort.Tensor(type as 'float32', zeroData(type, n) as Float32Array, dims);
    },
    facts: (t) => ({ type: t.type, dims: t.dims }),
  };
}

/** A member's bytes to `path`, chunk by chunk (external data may be gigabytes). */
async function copyMember(store: MemberStore, member: string, path: string): Promise<void> {
  if (checkMemberPath(member)) throw new Error(`${member} is not a safe member name`);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const file = await open(path, 'wx', 0o600);
  try {
    for await (const chunk of store.stream(member)) await file.write(chunk);
  } finally {
    await file.close();
  }
}
