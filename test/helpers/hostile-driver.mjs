// Runs several CLI invocations in one Node process (one startup instead of many) and writes each
// one's exit code, output and wall time as JSON. The process's peak RSS, measured from outside,
// bounds every invocation's. Usage: node hostile-driver.mjs <result.json> <argv-json>...
import { writeFileSync } from 'node:fs';
import { main } from '../../dist/cli/main.js';
import { writeThroughProcessStreams } from '../../dist/cli/stdout.js';

const [resultPath, ...runs] = process.argv.slice(2);
const results = [];
// The CLI writes straight to fd 1 otherwise; the capture below replaces process.stdout.write.
writeThroughProcessStreams();
const realOut = process.stdout.write.bind(process.stdout);
const realErr = process.stderr.write.bind(process.stderr);
for (const json of runs) {
  // A user runs each command in a process of its own: collect what the previous one left, so the
  // peak measured from outside is each command's, not their sum (--expose-gc, set by hostile-run.ts).
  globalThis.gc?.();
  const argv = JSON.parse(json);
  let stdout = '';
  let stderr = '';
  process.stdout.write = (chunk, ...rest) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    rest.find((r) => typeof r === 'function')?.();
    return true;
  };
  process.stderr.write = (chunk, ...rest) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    rest.find((r) => typeof r === 'function')?.();
    return true;
  };
  process.exitCode = undefined;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let code;
  try {
    code = await main(['node', 'fnnx-kit', ...argv]);
  } catch (e) {
    code = -2;
    stderr += `driver: main threw ${e?.stack ?? e}\n`;
  }
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  process.stdout.write = realOut;
  process.stderr.write = realErr;
  // Keep only what the assertions need: big stdout (200,000-line indexes) is summarised.
  results.push({ argv, code, ms, cpuMs, stderr, stdout: stdout.length > 65536 ? stdout.slice(0, 65536) : stdout });
}
process.exitCode = 0;
writeFileSync(resultPath, JSON.stringify(results));
