/**
 * The conventions every command shares, wired in one place after the commands register:
 * examples in each `--help`, `--json` wherever a command can print JSON, `-q` wherever one draws
 * progress, and one failure format: the documented `fnnx-kit: … (CODE)` line on stderr, or with
 * `--json` a `{"error": {...}}` object on stdout (same exit code), so `validate --json x > report.json`
 * never leaves an empty file. The parser's usage errors (args/) go through the same path.
 */
import { defaultHint } from './hints.js';
import { isFnnxError } from '../errors.js';
import type { Command } from './args/command.js';
import { EXIT_BAD_ARTIFACT, EXIT_OK, EXIT_USAGE, exitCodeOf, formatError, targetName } from './errors.js';
import { writeErr, writeOut } from './stdout.js';
import { jsonText } from './render/json-text.js';

interface Convention {
  /** What the command prints (text and --json), shown as "Prints: ..." in its --help. */
  prints: string;
  /** Two or three command lines, each shown under "Examples:" in the command's --help. */
  examples: readonly string[];
  /** Prints raw bytes (a member, a page): no --json. */
  raw?: boolean;
  /** Draws a progress bar on a terminal: gets -q. */
  progress?: boolean;
  /**
   * The exit code for an input that is a bad artifact, where the command keeps 1 for its own
   * verdict (diff: 1 is --fail-on tripping, so a side it cannot read is 2).
   */
  badArtifactExit?: number;
}

/** One entry per command, by its path ("card add"); a command without one fails the CLI tests. */
export const CONVENTIONS: ReadonlyMap<string, Convention> = new Map<string, Convention>([
  [
    'inspect',
    {
      prints: 'a summary (manifest, IO, ops, metadata, metrics, members); with --json the same as one object',
      examples: [
        'fnnx-kit inspect model.fnnx',
        'fnnx-kit inspect https://example.com/model.fnnx --json',
        'fnnx-kit inspect model.fnnx --index file_index.json',
      ],
    },
  ],
  [
    'index',
    {
      prints: 'the file_index as JSON: member path -> [data_offset, size] (the same with or without --json)',
      examples: ['fnnx-kit index model.fnnx', 'fnnx-kit index https://example.com/model.fnnx > file_index.json'],
    },
  ],
  [
    'cat',
    {
      prints: "the member's raw bytes on stdout",
      raw: true,
      examples: ['fnnx-kit cat model.fnnx manifest.json', 'fnnx-kit cat model.fnnx ops_artifacts/main/model.onnx > model.onnx'],
    },
  ],
  [
    'download',
    {
      prints:
        'one line: the file, its size and SHA-256, what was verified; with --json the same as one object (file, size, sha256, verified, ...)',
      progress: true,
      examples: [
        'fnnx-kit download https://example.com/model.fnnx -o model.fnnx',
        'fnnx-kit download "$URL" -o model.fnnx --descriptor descriptor.json',
      ],
    },
  ],
  [
    'extract',
    {
      prints:
        'one line: files, directories and bytes written (refused members on stderr); with --json {directory, files, directories, bytes, refused}',
      progress: true,
      examples: ['fnnx-kit extract model.fnnx -C model/', 'fnnx-kit extract https://example.com/model.fnnx -C model/ --json'],
    },
  ],
  [
    'validate',
    {
      prints: 'the verdict (sound or broken) and each finding by member; with --json the report {target, valid, counts, diagnostics, ...}',
      examples: [
        'fnnx-kit validate model.fnnx',
        'fnnx-kit validate model.fnnx --for-upload --strict',
        'fnnx-kit validate model/ --json > report.json',
      ],
    },
  ],
  [
    'pack',
    {
      prints: 'one line: the output, its size, member count and SHA-256; with --json the upload descriptor',
      progress: true,
      examples: [
        'fnnx-kit pack model/ -o model.fnnx',
        'fnnx-kit pack . -o model.fnnx --exclude "*.log" --exclude data/',
        'fnnx-kit pack model/ -o - > model.fnnx',
      ],
    },
  ],
  [
    'describe',
    {
      prints: 'the upload descriptor as JSON (the same with or without --json); warnings on stderr',
      progress: true,
      examples: ['fnnx-kit describe model.fnnx > descriptor.json', 'fnnx-kit describe model.fnnx --max-size 1073741824 -q'],
    },
  ],
  [
    'verify',
    {
      prints: '"ok: <file> matches (...)", or the differences on stderr; with --json {target, ok, checked, differences}',
      progress: true,
      examples: ['fnnx-kit verify model.fnnx --descriptor descriptor.json', 'fnnx-kit verify model.fnnx --sha256 <64 hex> --size 16384'],
    },
  ],
  [
    'append-meta',
    {
      prints: 'the appended members and where; with --json the same as one object (target, members, size, descriptor_changed, note, ...)',
      examples: [
        'fnnx-kit append-meta model.fnnx --entry metrics.json',
        'fnnx-kit append-meta model.fnnx --entry report-entry.json --attach report.html=./out/report.html',
      ],
    },
  ],
  [
    'patch-manifest',
    {
      prints: 'the appended members and where; with --json the same as one object (target, members, size, descriptor_changed, note, ...)',
      examples: ['fnnx-kit patch-manifest model.fnnx --patch patch.json', 'fnnx-kit patch-manifest model/ --patch patch.json --json'],
    },
  ],
  [
    'card add',
    {
      prints: 'the appended members and where; with --json the same as one object (target, members, size, descriptor_changed, note, ...)',
      progress: true,
      examples: ['fnnx-kit card add model.fnnx card.html', 'fnnx-kit card add model.fnnx card.html --asset chart.png --asset style.css'],
    },
  ],
  [
    'new',
    {
      prints: 'the files written, ops, inputs and outputs, and the next command; with --json {directory, ops, inputs, outputs, files}',
      examples: [
        'fnnx-kit new my_model/ --onnx model.onnx --name churn --version 1.2.0 --producer acme-train:0.3',
        'fnnx-kit new my_model/ --onnx scaler.onnx --onnx model.onnx',
        'fnnx-kit new my_model/ --onnx model.onnx --input-name float_input=features --output-name variable=score',
      ],
    },
  ],
  [
    'upload',
    {
      prints:
        'one line: the file, its size and SHA-256, parts sent, what was verified; with --json the same as one object (file, size, sha256, verified, ...); with --initiate the upload id',
      progress: true,
      examples: [
        'fnnx-kit upload model.fnnx --details details.json --descriptor descriptor.json',
        'fnnx-kit upload --initiate create-answer.json',
        'fnnx-kit upload model.fnnx --details parts.json --sha256 <64 hex> --size <bytes> --concurrency 8',
      ],
    },
  ],
  [
    'page',
    {
      prints: "the page's URL, then serves it until Ctrl-C; with --json {url}",
      examples: ['fnnx-kit page --open', 'fnnx-kit page --port 8080', 'fnnx-kit page --json'],
    },
  ],
  [
    'diff',
    {
      prints: 'each change as breaking, compatible or info; with --json the report {changes, ...}',
      badArtifactExit: EXIT_USAGE,
      examples: [
        'fnnx-kit diff old.fnnx new.fnnx',
        'fnnx-kit diff "$REGISTRY_URL" build/model.fnnx --fail-on breaking',
        'fnnx-kit diff old.fnnx new/ --content --json > changes.json',
      ],
    },
  ],
  [
    'card show',
    {
      prints: "the newest model card's index.html on stdout",
      raw: true,
      examples: ['fnnx-kit card show model.fnnx > card.html', 'fnnx-kit card show https://example.com/model.fnnx'],
    },
  ],
]);

const EXIT_CODES = `
Exit codes:
  ${EXIT_OK}  done; for validate: the artifact is sound (warnings allowed)
  ${EXIT_BAD_ARTIFACT}  the artifact is bad: broken, refused, or not what was expected; for diff: --fail-on found a change
  ${EXIT_USAGE}  could not do what was asked: bad usage, missing file, network or disk error; for diff: a side cannot be read

Errors print one line, "fnnx-kit: <artifact>: <member>: <what happened> (<CODE>)", and a hint line;
with --json they print {"error": {"code", "message", "member", "hint", "artifact"}} on stdout instead.
Run "fnnx-kit help <command>" (e.g. "fnnx-kit help card add") for a command's options and examples.`;

/** An option value that may name a file (not a number such as --stall-timeout's): an error naming it names its file. */
function isFileLike(v: unknown): v is string {
  return typeof v === 'string' && /[./\\]/.test(v) && !/^[\d.]+$/.test(v);
}

/** A command's names below the program, as CONVENTIONS keys them ("card add"). */
export function commandPath(cmd: Command): string {
  return cmd.path();
}

function leaves(cmd: Command): Command[] {
  return cmd.commands.length === 0 ? [cmd] : cmd.commands.flatMap(leaves);
}

/** Set once options are parsed: the command asked for JSON. */
let jsonRequested = false;
/** Set once options are parsed: stdout carries data (`pack -o -`), so JSON goes to stderr. */
let stdoutIsData = false;
/** Set once options are parsed: the running command's conventions. */
let running: Convention | undefined;
/** Set once options are parsed: the artifact or file the command concerns (its first operand), named by its errors. */
let concerned: string | undefined;
/** Set once options are parsed: the files the options name (an error naming one needs no target before it). */
let given: string[] = [];

/** The artifact a failure from here on concerns, where it is not the first operand (one of several, a side of diff). */
export function concerning(target: string | undefined): void {
  concerned = target;
}

export function applyConventions(program: Command): void {
  program.addHelpText('after', EXIT_CODES);
  program.hook('preAction', (_root, action, operands) => {
    concerned = operands[0];
    given = Object.values(action.opts()).flatMap((v) => (Array.isArray(v) ? v.filter(isFileLike) : isFileLike(v) ? [v] : []));
    jsonRequested = action.opts().json === true;
    stdoutIsData = action.opts().output === '-';
    running = CONVENTIONS.get(commandPath(action));
  });
  for (const cmd of leaves(program)) {
    if (cmd === program) continue;
    const path = commandPath(cmd);
    const c = CONVENTIONS.get(path);
    if (!c) continue;
    const has = (flag: string) => cmd.options.some((o) => o.long === flag);
    if (!has('--debug')) cmd.option('--debug', 'print stack traces with errors');
    if (!c.raw && !has('--json')) cmd.option('--json', 'print the result as JSON (an error too: {"error": {...}} on stdout)');
    if (c.progress && !has('--quiet')) cmd.option('-q, --quiet', 'no progress bar');
    cmd.addHelpText('after', `\nPrints: ${c.prints}\n`);
    cmd.addHelpText('after', `\nExamples:\n${c.examples.map((e) => `  $ ${e}`).join('\n')}\n`);
  }
}

/** `help card add` means `card add --help` (the parser's help command takes one name only, as commander's did). */
export function helpArgv(argv: string[]): string[] {
  const i = 2;
  if (argv[i] !== 'help' || argv.length <= i + 1) return argv;
  return [...argv.slice(0, i), ...argv.slice(i + 1), '--help'];
}

/** Whether `--json` is among the options (before any `--`), for failures that come before parsing ends. */
function argvAsksJson(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}

/** An error as `--json` prints it; `artifact` names the file or URL (no query string) it concerns, or is null. */
export interface ErrorJson {
  error: { code: string; message: string; member: string | null; hint: string; artifact: string | null };
}

/** The error as the JSON object `--json` promises. */
export function errorJson(e: unknown, about: string | undefined = concerned): ErrorJson {
  const artifact = about ? targetName(about) : null;
  if (isFnnxError(e))
    return {
      error: { code: e.code, message: e.message, member: e.member ?? null, hint: e.hint ?? defaultHint(e.code, e.kind), artifact },
    };
  const message = e instanceof Error ? e.message : String(e);
  return {
    error: { code: 'INTERNAL', message, member: null, hint: 'this is a bug in fnnx-kit; rerun with --debug and report it', artifact },
  };
}

/** Prints a failure in the form the user asked for and returns the exit code. */
export function reportFailure(e: unknown, argv: string[]): number {
  if (jsonRequested || argvAsksJson(argv)) void (stdoutIsData ? writeErr : writeOut)(`${jsonText(errorJson(e))}\n`);
  else void writeErr(formatError(e, argv.includes('--debug'), concerned, given));
  const code = exitCodeOf(e);
  return code === EXIT_BAD_ARTIFACT ? (running?.badArtifactExit ?? code) : code;
}
