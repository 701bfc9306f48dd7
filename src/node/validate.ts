/**
 * Node entry points: validate a path (tar file or directory) or an http(s) URL, and
 * assertUploadable() for upload pipelines. The rules themselves live in src/validate/validate.ts.
 */
import { ArtifactError } from '../errors.js';
import { isDirectoryTarget, openSourceWith, type OpenOptions } from './open.js';
import type { ByteSource } from '../source/byte-source.js';
import type { Diagnostic } from '../validate/diagnostics.js';
import type { UploadFacts } from '../artifact/upload-rules.js';
import { validate, type ValidateOptions, type ValidationReport } from '../validate/validate.js';
import { countBySeverity, diag, strictly } from '../validate/diagnostics.js';
import { PlannedStore } from '../validate/planned-store.js';
import { EMPTY_ROOT_VALUES } from '../artifact/root-files.js';
import { jsonBytes } from '../build/builder.js';
import type { MemberInput } from '../artifact/member-input.js';
import type { RunCheckOptions } from './run-check.js';
import { uploadFileName } from './upload-file-name.js';
import { compressionOf } from '../tar/foreign.js';

export interface ValidateTargetOptions extends Omit<ValidateOptions, 'upload' | 'memberRange'> {
  /** Apply the registry's upload rules too (extension, size limit, a plain tar file). */
  forUpload?: boolean;
  /** The upload size limit in bytes (default 5,368,709,120). */
  maxSize?: number;
  /** Options of the HTTP source for URLs (rate bounds, timeouts). */
  remote?: OpenOptions['remote'];
  /**
   * Also load every ONNX_v1 op in ONNX Runtime and run the pipeline once (`validate --run`):
   * needs the optional peer dependency onnxruntime-node. `true` takes the defaults; a `timeoutMs`
   * here counts from the start of the call, the static checks included.
   */
  run?: boolean | RunCheckOptions;
}

/** ValidateTargetOptions plus the CLI's and tests' knobs, kept off the public type (validateTargetWith). */
export interface ValidateTargetKnobs extends ValidateTargetOptions {
  /** Wraps the raw source (how tests and benches count reads). */
  wrap?: (source: ByteSource) => ByteSource;
  /** Read a local file on the calling thread (OpenKnobs' `blocking`). */
  blocking?: boolean;
}

/** Validates the artifact at a path or URL; with `run`, its models in ONNX Runtime too. */
export function validateTarget(target: string, options: ValidateTargetOptions = {}): Promise<ValidationReport> {
  return validateTargetWith(target, options);
}

/** validateTarget with the CLI's and tests' knobs (ValidateTargetKnobs). */
export async function validateTargetWith(target: string, options: ValidateTargetKnobs = {}): Promise<ValidationReport> {
  const startedAt = Date.now();
  const report = await validateStatic(target, options);
  if (!options.run) return report;
  // Loaded only when asked: the child process and, in it, the runtime.
  const { runCheck } = await import('./run-check.js');
  const run = options.run === true ? {} : options.run;
  const found = await runCheck(target, {
    index: options.index,
    limits: options.limits,
    remote: options.remote && { speedLimit: options.remote.speedLimit, speedTimeMs: options.remote.speedTimeMs },
    signal: options.signal,
    ...run,
    // Counted from the start of this call: reading the artifact spent part of it.
    timeoutMs: run.timeoutMs === undefined ? undefined : Math.max(1, run.timeoutMs - (Date.now() - startedAt)),
  });
  const diagnostics = [...report.diagnostics, ...(report.strict ? strictly(found) : found)];
  const counts = countBySeverity(diagnostics);
  return { ...report, diagnostics, counts, valid: counts.error === 0 };
}

/** Validates the artifact at a path or URL; findings are in the report, read failures throw. */
async function validateStatic(target: string, options: ValidateTargetKnobs): Promise<ValidationReport> {
  if (await isDirectoryTarget(target, options.blocking)) return validateDirectory(target, options);
  const raw = await openSourceWith(target, options.signal, { remote: options.remote, blocking: options.blocking });
  const source = options.wrap ? options.wrap(raw) : raw;
  try {
    const upload = options.forUpload ? await uploadFacts(target, source, options.maxSize) : undefined;
    return await validate(source, { ...options, upload });
  } finally {
    await raw.close?.();
  }
}

/**
 * A folder is judged as pack would write it: a root file it lacks (but manifest.json) is filled in
 * empty, as pack does, and a ROOT_FILE_DEFAULTED note says which, so pack and validate agree.
 */
async function validateDirectory(root: string, options: ValidateTargetKnobs): Promise<ValidationReport> {
  const store = new (await import('./dir-store.js')).DirStore(root);
  const size = (await store.members()).reduce((n, m) => n + m.size, 0);
  const upload: UploadFacts | undefined = options.forUpload
    ? { fileName: uploadFileName(root), size, form: 'directory', maxSize: options.maxSize }
    : undefined;
  const defaulted: MemberInput[] = [];
  for (const [name, empty] of Object.entries(EMPTY_ROOT_VALUES)) {
    if ((await store.sizeOf(name)) === undefined) defaulted.push({ name, body: jsonBytes(empty) });
  }
  const view = defaulted.length === 0 ? store : new PlannedStore(store, defaulted, store.label);
  const report = await validate(view, {
    ...options,
    upload,
    // The directory form has no offsets: the model is read by range from its own file.
    memberRange: async (name) => {
      const range = await store.memberRange(name);
      return range && options.wrap ? { ...range, source: options.wrap(range.source) } : range;
    },
  });
  return withNotes(
    report,
    defaulted.map((m) => defaultedNote(m.name)),
  );
}

function defaultedNote(member: string): Diagnostic {
  const empty = JSON.stringify(EMPTY_ROOT_VALUES[member as keyof typeof EMPTY_ROOT_VALUES]);
  return diag('ROOT_FILE_DEFAULTED', 'info', `the folder has no ${member}; checked as pack would write it: ${empty}`, {
    member,
    pointer: '',
  });
}

function withNotes(report: ValidationReport, notes: Diagnostic[]): ValidationReport {
  if (notes.length === 0) return report;
  const diagnostics = [...notes, ...report.diagnostics];
  return { ...report, counts: countBySeverity(diagnostics), diagnostics };
}

async function uploadFacts(target: string, source: ByteSource, maxSize: number | undefined): Promise<UploadFacts> {
  const head = await source.read(0, Math.min(8, source.byteLength));
  const compressed = compressionOf(head) !== undefined;
  return { fileName: uploadFileName(target), size: source.byteLength, form: compressed ? 'compressed' : 'tar', maxSize };
}

/** Thrown by assertUploadable: one error listing every problem, with the diagnostics attached. */
export class NotUploadableError extends ArtifactError {
  constructor(
    target: string,
    readonly diagnostics: Diagnostic[],
  ) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const list = errors.map((d) => `${d.member ? `${d.member}${d.pointer ? `#${d.pointer}` : ''}: ` : ''}${d.message} (${d.code})`);
    super('NOT_UPLOADABLE', `cannot be uploaded: ${errors.length} problem(s): ${list.join('; ')}`, {
      member: target,
      hint: 'run `fnnx-kit validate --for-upload` on it for the full report',
    });
  }
}

/**
 * For upload pipelines: resolves with the report when the artifact is sound and uploadable,
 * throws a NotUploadableError listing every problem otherwise.
 */
export async function assertUploadable(path: string, options: Omit<ValidateTargetOptions, 'forUpload'> = {}): Promise<ValidationReport> {
  const report = await validateTarget(path, { ...options, forUpload: true });
  if (!report.valid) throw new NotUploadableError(path, report.diagnostics);
  return report;
}
