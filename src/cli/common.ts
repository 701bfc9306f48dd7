import type { Command } from './args/command.js';
import { AbortError, FnnxError, UsageError } from '../errors.js';
import { errorJson } from './conventions.js';
import { exitCodeOf, formatError } from './errors.js';
import { isObject, parseJson, type Json } from '../artifact/json-member.js';
import { ioError } from '../node/io-error.js';
import { readFileAsync } from '../node/fs-async.js';
import type { FileIndex } from '../tar/entry.js';
import { openStoreWith } from '../node/open.js';
import type { MemberStore } from '../artifact/member-store.js';
import { collectLimit, limitsHelp } from './limits-option.js';
import { rateOptions, withNetworkOptions, type NetworkOptions } from './network-options.js';
import { printableJson } from '../safety/printable.js';
import { writeJson } from './render/json-text.js';
import { writeErr, writeOut } from './stdout.js';

/** Options every reading command shares. */
export interface SourceOptions extends NetworkOptions {
  index?: string;
  /** `--limit name=value` flags (hostile-input bounds: maxMembers, maxJsonMember, ...). */
  limit?: Record<string, number>;
}

export function withSourceOptions(cmd: Command): Command {
  return withNetworkOptions(cmd)
    .option('--index <file_index.json>', 'a known file_index (as the registry stores it): read members without walking the archive')
    .option('--limit <name=value>', limitsHelp(), collectLimit);
}

export async function loadIndex(path: string | undefined): Promise<FileIndex | undefined> {
  if (!path) return undefined;
  let text: string;
  try {
    text = await readFileAsync(path, 'utf8');
  } catch (e) {
    throw ioError(e, path);
  }
  try {
    const doc = JSON.parse(text) as unknown;
    // Accept a bare index or a whole upload descriptor that carries one.
    const index = isObject(doc) && isObject(doc.file_index) ? doc.file_index : doc;
    if (!isObject(index)) throw new Error('not an object');
    return index as FileIndex;
  } catch (e) {
    throw new UsageError('BAD_INDEX_FILE', `${path} is not a file_index JSON object: ${(e as Error).message}`);
  }
}

export async function openFromCli(target: string, opts: SourceOptions, signal?: AbortSignal): Promise<MemberStore> {
  // Blocking reads: the CLI has nothing else to run, and each thread-pool round trip costs it time.
  return openStoreWith(target, {
    index: await loadIndex(opts.index),
    limits: opts.limit,
    remote: rateOptions(opts),
    signal,
    blocking: true,
  });
}

/** `--json` output: JSON.stringify(value, null, 2) and a newline, written in pieces (json-text.ts). */
export function printJson(value: unknown): Promise<void> {
  return writeJson(value, writeOut);
}

/**
 * A file_index as the issue shows it: one member per line, `"path": [offset, size]`. Still JSON,
 * with bidi and C1 characters in names written as escapes (printableJson).
 */
export async function printIndex(index: Record<string, [number, number]>): Promise<void> {
  const lines = Object.entries(index).map(([k, [o, n]]) => `  ${printableJson(JSON.stringify(k))}: [${o}, ${n}]`);
  await writeOut(lines.length ? `{\n${lines.join(',\n')}\n}\n` : '{}\n');
}

/** A JSON file named on the command line (an entry, a patch), parsed with the member limits. */
export async function readJsonFile(path: string): Promise<Json> {
  const bytes = await readFileAsync(path).catch((e: unknown) => {
    throw ioError(e, path);
  });
  try {
    return parseJson(new Uint8Array(bytes), path);
  } catch (e) {
    // The user's own file: bad input from the user is a usage error (exit 2), like a missing file.
    if (e instanceof FnnxError && e.code === 'JSON_INVALID') {
      throw new UsageError('JSON_INVALID', e.message, {
        member: path,
        hint: `fix the file and run again (python3 -m json.tool ${path} shows where it breaks)`,
      });
    }
    throw e;
  }
}

/**
 * Commander collector for a repeatable option (`--exclude a --exclude b`). Appends in place: a
 * copy per occurrence made 15,000 `--asset` flags cost 16 s (none of these options has a default).
 */
export function collectRepeated(value: string, previous: string[] = []): string[] {
  previous.push(value);
  return previous;
}

/** The appenders' --drop-trailing: one wording for append-meta, patch-manifest and card add. */
export const DROP_TRAILING_HELP =
  "overwrite (and so drop) non-zero bytes after the archive's end blocks; without it such bytes refuse the append (TRAILING_BYTES)";

/**
 * A command over several targets, one after another, as a hook checking many files needs: a
 * target that fails is reported (its error line, or `{target, error}` with --json) and the next
 * still runs; the exit status is the worst of them; --json prints one array. Ctrl-C ends them all.
 */
export async function eachTarget<T>(
  targets: readonly string[],
  json: boolean,
  run: (target: string) => Promise<{ result: T; exit: number }>,
): Promise<void> {
  let worst = 0;
  const results: unknown[] = [];
  for (const target of targets) {
    try {
      const { result, exit } = await run(target);
      worst = Math.max(worst, exit);
      if (json) results.push(result);
    } catch (e) {
      if (e instanceof AbortError) throw e;
      worst = Math.max(worst, exitCodeOf(e));
      if (json) results.push({ target, ...errorJson(e, target) });
      else await writeErr(formatError(e, false, target));
    }
  }
  if (json) await printJson(results);
  if (worst !== 0) process.exitCode = worst;
}
