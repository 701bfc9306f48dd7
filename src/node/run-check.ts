/**
 * validate --run from Node: runs the checks of src/run in a child process (run-child.ts), so that
 * onnxruntime-node is loaded only when asked, and a runtime that crashes or hangs is bounded: the
 * child is killed at the timeout and its state ends as a finding naming the op it was at. The
 * private temporary folder (external data) is removed on success, failure, timeout and Ctrl-C.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AbortError, FnnxError, UsageError } from '../errors.js';
import { isCode, type ErrorCode, type ErrorKind } from '../codes.js';
import { diag, pushAll, type Diagnostic } from '../validate/diagnostics.js';
import type { FileIndex } from '../tar/entry.js';
import { DEFAULT_RUN_LIMITS } from '../run/run-limits.js';
import type { ChildAnswer, ChildJob, ChildLimits } from './run-protocol.js';

/** What stderr of the child a crash finding quotes, at most. */
const STDERR_TAIL = 2048;

export interface RunCheckOptions {
  /** Symbolic dimension name → extent of the synthetic inputs (default 1). */
  dims?: Record<string, number>;
  /** Kill the runtime after this long: its findings so far are kept, and a RUN_TIMEOUT names where it was. */
  timeoutMs?: number;
  /** Largest op (model.onnx plus the files beside it) read, in bytes (default DEFAULT_RUN_LIMITS.maxRunModel, 2 GiB). */
  maxRunModel?: number;
  index?: FileIndex;
  /** The reading limits (`--limit`), as for validate. */
  limits?: ChildLimits;
  remote?: { speedLimit?: number; speedTimeMs?: number };
  signal?: AbortSignal;
}

export const RUNTIME_INSTALL_HINT =
  'install it beside fnnx-kit: npm install onnxruntime-node (on a machine that cannot reach its CUDA download, ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node)';

/** Loads every ONNX_v1 op of the artifact at `target` in ONNX Runtime and runs its pipeline once; the findings. */
export async function runCheck(target: string, options: RunCheckOptions = {}): Promise<Diagnostic[]> {
  options.signal?.throwIfAborted();
  const tempDir = mkdtempSync(join(tmpdir(), 'fnnx-kit-run-'));
  const removeTemp = () => rmSync(tempDir, { recursive: true, force: true });
  // Ctrl-C reaches this function as options.signal (the CLI's interrupt, src/cli/interrupt.ts):
  // the child is killed and the folder removed below. A terminal's Ctrl-C reaches the child too.
  process.on('exit', removeTemp);
  try {
    const job: ChildJob = {
      target,
      index: options.index,
      limits: options.limits,
      remote: options.remote,
      dims: options.dims ?? {},
      maxRunModel: options.maxRunModel ?? DEFAULT_RUN_LIMITS.maxRunModel,
      tempDir,
    };
    return await inChild(job, options);
  } finally {
    process.off('exit', removeTemp);
    removeTemp();
  }
}

function inChild(job: ChildJob, options: RunCheckOptions): Promise<Diagnostic[]> {
  return new Promise((resolve, reject) => {
    // The runtime's own temporary files (its telemetry keeps a ".ses" file in TMPDIR) go to the private folder too.
    const env = { ...process.env, TMPDIR: job.tempDir, TMP: job.tempDir, TEMP: job.tempDir };
    const child = fork(childScript(), [], { execArgv: [], env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    let step = 'starting ONNX Runtime';
    const found: Diagnostic[] = [];
    let answer: ChildAnswer | undefined;
    let stderr = '';
    let ended: Diagnostic | Error | undefined;
    child.stderr!.setEncoding('utf8').on('data', (s: string) => void (stderr = (stderr + s).slice(-STDERR_TAIL)));
    const stop = (why: Diagnostic | Error) => {
      ended ??= why;
      child.kill('SIGKILL');
    };
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(
            () =>
              stop(
                diag(
                  'RUN_TIMEOUT',
                  'error',
                  `ONNX Runtime did not finish within the timeout (${options.timeoutMs! / 1000} s) while ${step}`,
                  {
                    member: null,
                    pointer: '',
                  },
                ),
              ),
            options.timeoutMs,
          );
    const onAbort = () => stop(new AbortError());
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('message', (m: ChildAnswer) => {
      if (m.type === 'step') {
        step = m.what;
        pushAll(found, m.found);
      } else answer = m;
    });
    child.on('error', (e) => stop(e));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (ended instanceof Error) return reject(ended);
      if (ended) return resolve([...found, ended]);
      if (answer?.type === 'done') return resolve([...found, ...answer.diagnostics]);
      if (answer?.type === 'missing') {
        return reject(
          new UsageError(
            'RUN_RUNTIME_MISSING',
            `validate --run needs onnxruntime-node, which cannot be loaded: ${answer.message.split('\n')[0]}`,
            {
              hint: RUNTIME_INSTALL_HINT,
            },
          ),
        );
      }
      if (answer?.type === 'failed') {
        // An artifact it cannot read is validate's finding already: the run only says it did not happen.
        if (answer.kind === 'artifact') {
          return resolve([
            diag('RUN_NOT_RUN', 'info', `nothing was run: ${answer.message}`, { member: answer.member ?? null, pointer: '' }),
          ]);
        }
        const known = answer.code !== undefined && isCode(answer.code) && (answer.kind === 'usage' || answer.kind === 'io');
        return reject(
          known ? new FnnxError(answer.code as ErrorCode, answer.kind as ErrorKind, answer.message) : new Error(answer.message),
        );
      }
      const how = signal ? `was killed by ${signal}` : `exited with status ${code}`;
      const said = stderr.trim() ? `; it said: ${stderr.trim().replace(/\s+/g, ' ')}` : '';
      resolve([
        ...found,
        diag('RUN_CRASHED', 'error', `ONNX Runtime's process ${how} while ${step}${said}`, { member: null, pointer: '' }),
      ]);
    });
    child.send(job);
  });
}

/**
 * The compiled child script. Run from the TypeScript sources (the tests) or from the CLI's bundle,
 * this module is not beside it: dist/node/ holds the build of it either way.
 */
function childScript(): string {
  const here = new URL(import.meta.url);
  const relative = here.pathname.endsWith('.ts')
    ? '../../dist/node/run-child.js'
    : here.pathname.includes('/cli-bundle/')
      ? '../node/run-child.js'
      : './run-child.js';
  return fileURLToPath(new URL(relative, here));
}
