/**
 * Every archive of the generated hostile corpus through the real CLI (inspect, index, extract, and
 * validate/describe where those commands exist): the expected error code on one line, under 10 s
 * and 512 MiB peak memory each, nothing written outside the target, no link created.
 */
import { existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASES, RAW_UNSAFE, makeOutside, type HostileCase, type Outcome } from './helpers/hostile-corpus.js';
import { runMeasured, type Invocation, type MeasuredRun } from './helpers/hostile-run.js';
import { tempDir } from './helpers/paths.js';

const LIMIT_MS = 10_000;
const LIMIT_RSS_MIB = 512;
const ERROR_LINE = /^fnnx-kit: .+ \(([A-Z0-9_]+)\)$/;

let root: string;
const built = new Map<HostileCase['build'], string>();

interface Prepared {
  dir: string;
  target: string;
  outside: string;
  planted: string[];
  before: string[];
  run: MeasuredRun;
}
const prepared = new Map<HostileCase, Prepared>();

/** Builds a case's archive once; cases sharing a builder share the file (hard link). */
async function archiveFor(c: HostileCase, dir: string): Promise<string> {
  const path = join(dir, 'artifact.fnnx');
  const earlier = built.get(c.build);
  if (earlier) linkSync(earlier, path);
  else {
    await c.build(path);
    built.set(c.build, path);
  }
  return path;
}

/** Builds every archive, plants the targets, then runs all children (two at a time). */
beforeAll(async () => {
  root = tempDir('fnnx-hostile-');
  const runs: Array<Promise<void>> = [];
  for (const [i, c] of CASES.entries()) {
    const dir = join(root, `case-${i}`);
    mkdirSync(dir);
    const archive = await archiveFor(c, dir);
    const outside = makeOutside(join(dir, 'outside'));
    const target = join(dir, 'a', 'b', 'out');
    mkdirSync(target, { recursive: true });
    c.plant?.(target, outside);
    const planted = treeOf(target)
      .filter((e) => e.link)
      .map((e) => e.path);
    const before = snapshot(dir, target);
    const extra = c.args ?? [];
    const argvs = [
      ['inspect', archive, ...extra],
      ['index', archive, ...extra],
      ['extract', archive, '-C', target, ...extra],
      ['validate', archive],
      ['describe', archive],
      ['card', 'show', archive, ...extra],
      // Both sides hostile: diff reads each through the reader, under the same limits.
      ['diff', archive, archive, ...extra],
    ];
    runs.push(runMeasured(argvs, join(dir, 'run')).then((run) => void prepared.set(c, { dir, target, outside, planted, before, run })));
  }
  await Promise.all(runs);
}, 600_000);
afterAll(() => {
  // One line per case for people reading the log: the worst command's CPU and wall time, peak RSS.
  const rows = CASES.map((c) => {
    const run = prepared.get(c)?.run;
    const worst = (k: 'cpuMs' | 'ms') => Math.round(Math.max(0, ...(run?.invocations ?? []).map((i) => i[k])));
    return `${c.name.padEnd(60)} cpu ${worst('cpuMs')} ms, wall ${worst('ms')} ms, rss ${Math.round(run?.maxRssMiB ?? 0)} MiB`;
  });
  console.log(`hostile corpus measurements:\n${rows.join('\n')}`);
  rmSync(root, { recursive: true, force: true });
});

function invocation(c: HostileCase, command: string): Invocation {
  const p = prepared.get(c)!;
  const inv = p.run.invocations.find((i) => i.argv[0] === command);
  if (!inv) throw new Error(`no ${command} run: driver status ${p.run.status}\n${p.run.stderr}`);
  return inv;
}

function expectOutcome(run: Invocation, outcome: Outcome, what: string): void {
  const lines = run.stderr.split('\n').filter((l) => l !== '');
  const errors = lines.filter((l) => l.startsWith('fnnx-kit:'));
  const hints = lines.filter((l) => l.startsWith('  hint: '));
  expect(run.stderr, `${what}: no stack trace`).not.toMatch(/^\s+at /m);
  expect(errors.length + hints.length, `${what}: only error and hint lines on stderr:\n${run.stderr}`).toBe(lines.length);
  for (const l of errors) expect(l, `${what}: error line shape`).toMatch(ERROR_LINE);
  const codes = errors.map((l) => ERROR_LINE.exec(l)![1]);
  if (outcome === 'ok') {
    expect({ code: run.code, stderr: run.stderr }, what).toEqual({ code: 0, stderr: '' });
  } else if (typeof outcome === 'string') {
    expect({ code: run.code, codes }, what).toEqual({ code: 1, codes: [outcome] });
    expect(hints.length).toBeLessThanOrEqual(1);
  } else {
    expect({ code: run.code, codes: [...codes].sort() }, what).toEqual({ code: 1, codes: [...outcome].sort() });
    expect(hints.length).toBe(1);
  }
}

/** Every path under `dir` except the extraction target, with sizes: what extract may not change. */
function snapshot(dir: string, skip: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (p === skip) continue;
      const st = lstatSync(p);
      out.push(`${p} ${st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : st.size}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

function treeOf(dir: string): Array<{ path: string; link: boolean; mode: number; text?: string }> {
  const out: Array<{ path: string; link: boolean; mode: number; text?: string }> = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const st = lstatSync(p);
      out.push({
        path: p,
        link: st.isSymbolicLink(),
        mode: st.mode & 0o7777,
        text: st.isFile() && st.size < 64 ? readFileSync(p, 'utf8') : undefined,
      });
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

describe.each(CASES)('hostile archive: $name', (c) => {
  it('the child running every command peaks under 512 MiB', () => {
    const p = prepared.get(c)!;
    expect(p.run.status, p.run.stderr).toBe(0);
    expect(p.run.maxRssMiB).toBeLessThan(LIMIT_RSS_MIB);
  });

  for (const command of ['inspect', 'index'] as const) {
    it(`${command} answers ${JSON.stringify(c[command])} in under 10 s`, () => {
      const run = invocation(c, command);
      expectOutcome(run, c[command], command);
      expect(run.cpuMs, `${run.argv[0]} CPU time (wall ${Math.round(run.ms)} ms)`).toBeLessThan(LIMIT_MS);
    });
  }

  it(`extract answers ${JSON.stringify(c.extract)} in under 10 s, writes nothing outside the target, creates no link`, () => {
    const p = prepared.get(c)!;
    const run = invocation(c, 'extract');
    expectOutcome(run, c.extract, 'extract');
    expect(run.cpuMs, `${run.argv[0]} CPU time (wall ${Math.round(run.ms)} ms)`).toBeLessThan(LIMIT_MS);
    expect(snapshot(p.dir, p.target)).toEqual(p.before);
    // One error for the whole archive is decided before writing: the target holds only what was planted.
    if (typeof c.extract === 'string' && c.extract !== 'ok') expect(treeOf(p.target).map((e) => e.path)).toEqual(p.planted);
    expect(readFileSync(join(p.outside, 'victim'), 'utf8')).toBe('original');
    expect(existsSync('/tmp/fnnx-evil')).toBe(false);
    const tree = treeOf(p.target);
    expect(tree.filter((e) => e.link).map((e) => e.path)).toEqual(p.planted);
    expect(tree.filter((e) => e.text === 'pwned').map((e) => e.path)).toEqual([]);
    expect(tree.filter((e) => e.path.endsWith('.part')).map((e) => e.path)).toEqual([]);
    for (const e of tree.filter((t) => !t.link)) expect([0o644, 0o755], e.path).toContain(e.mode);
  });

  if (c.card !== undefined) {
    it(`card show answers ${JSON.stringify(c.card)} in under 10 s`, () => {
      const run = invocation(c, 'card');
      expectOutcome({ ...run, stdout: '' }, c.card!, 'card show');
      expect(run.cpuMs).toBeLessThan(LIMIT_MS);
    });
  }

  it('no command writes a raw control or bidi character as text (stdout of card show is the card itself)', () => {
    for (const command of ['inspect', 'index', 'extract', 'validate', 'describe', 'card', 'diff']) {
      const run = invocation(c, command);
      expect(RAW_UNSAFE.exec(run.stderr), `${command} stderr`).toBeNull();
      if (command !== 'card' && command !== 'describe') expect(RAW_UNSAFE.exec(run.stdout), `${command} stdout`).toBeNull();
    }
  });

  it('validate, describe, card show and diff end in under 10 s with one-line errors, never INTERNAL', () => {
    for (const command of ['validate', 'describe', 'card', 'diff']) {
      const run = invocation(c, command);
      expect(run.stderr, command).not.toMatch(/^\s+at /m);
      expect(run.stderr, command).not.toContain('(INTERNAL)');
      for (const l of run.stderr.split('\n').filter((x) => x.startsWith('fnnx-kit:'))) expect(l, command).toMatch(ERROR_LINE);
      expect(run.cpuMs, `${command} CPU time (wall ${Math.round(run.ms)} ms)`).toBeLessThan(LIMIT_MS);
    }
  });
});

it('the corpus holds at least 30 hostile archives', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(30);
});
