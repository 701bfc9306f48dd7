/**
 * Runs CLI invocations in a child Node process under GNU time, so a test can assert each
 * invocation's wall time and the child's peak memory (max resident set), not the test runner's.
 * Several invocations share one child (one Node startup); the child's peak bounds each one's.
 * At most two children run at once: the machine is shared.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DRIVER = fileURLToPath(new URL('./hostile-driver.mjs', import.meta.url));

export interface Invocation {
  argv: string[];
  code: number;
  stdout: string;
  stderr: string;
  /** Wall time; on a loaded shared machine this measures the neighbours too. */
  ms: number;
  /** CPU time (user + system) the invocation cost: the bound we assert. */
  cpuMs: number;
}

export interface MeasuredRun {
  invocations: Invocation[];
  maxRssMiB: number;
  /** The child's own exit status and stderr (a crash of the driver shows here). */
  status: number;
  stderr: string;
}

let running = 0;
const waiting: Array<() => void> = [];

async function slot<T>(run: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await run();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

export function runMeasured(argvs: string[][], scratch: string): Promise<MeasuredRun> {
  const rssFile = `${scratch}.rss`;
  const resultFile = `${scratch}.json`;
  return slot(
    () =>
      new Promise<MeasuredRun>((resolve) => {
        execFile(
          '/usr/bin/time',
          ['-f', '%M', '-o', rssFile, process.execPath, '--expose-gc', DRIVER, resultFile, ...argvs.map((a) => JSON.stringify(a))],
          { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
          (error, _stdout, stderr) => {
            const kib = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
            let invocations: Invocation[] = [];
            try {
              invocations = JSON.parse(readFileSync(resultFile, 'utf8')) as Invocation[];
            } catch {
              // the driver died: status and stderr say why
            }
            rmSync(rssFile, { force: true });
            rmSync(resultFile, { force: true });
            const status = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
            resolve({ invocations, maxRssMiB: kib / 1024, status, stderr });
          },
        );
      }),
  );
}
