/**
 * The CLI's own argument parser (src/cli/args), which replaced commander. What a command line
 * means must not drift: the expectations of the last two blocks were recorded from the
 * commander-based CLI (stdout, stderr and exit code compared side by side on 223 command lines),
 * and each test names the behaviour it pins.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Command } from '../src/cli/args/command.js';
import { formatHelp } from '../src/cli/args/help.js';
import { runProgram } from '../src/cli/args/run.js';
import { suggestSimilar } from '../src/suggest.js';
import { collectRepeated } from '../src/cli/common.js';
import { collectLimit } from '../src/cli/limits-option.js';
import { isFnnxError } from '../src/errors.js';
import { runCli, type CliResult } from './helpers/cli.js';
import { runCliAsync } from './helpers/run-cli-async.js';
import { tempDir } from './helpers/paths.js';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

interface Ran {
  /** What runProgram resolved to: an exit code when the parser ended the run, undefined after an action. */
  ended?: number;
  error?: { code: string; message: string; hint?: string };
  stdout: string;
  stderr: string;
  /** Each action's command path and what it was called with (arguments, then the options object). */
  calls: Array<{ path: string; args: unknown[] }>;
  hooks: string[];
}

/** A small program declared the way the command modules declare theirs. */
function program(calls: Ran['calls'], hooks: string[]): Command {
  const p = new Command('fnnx-kit')
    .description('the test program')
    .version('9.9.9', '-V, --version', 'print the version and exit')
    .option('--debug', 'print stack traces with errors');
  p.hook('preAction', (hooked, action) => hooks.push(`${hooked.name()}>${action.path()}`));
  const record =
    (path: string) =>
    (...args: unknown[]) => {
      calls.push({ path, args: args.slice(0, -1).map((a) => (typeof a === 'object' ? { ...a } : a)) });
    };
  p.command('pack')
    .description('build a tar artifact from the directory form')
    .argument('<directory>', 'an artifact in directory form')
    .requiredOption('-o, --output <file>', 'the artifact file to write')
    .option('-q, --quiet', 'no progress bar')
    .option('--exclude <glob>', 'leave out matching paths, repeatable', collectRepeated)
    .option('--limit <name=value>', 'set a limit, repeatable', collectLimit)
    .option('--max-size <bytes>', 'refuse larger files', '5368709120')
    .option('--drop-trailing', 'overwrite bytes after the end blocks')
    .option('--no-default-excludes', 'also pack __pycache__/')
    .option('--no-check', 'skip validating the result')
    .action(record('pack'));
  p.command('upload')
    .description('send an artifact')
    .argument('[file]', 'the artifact to upload')
    .option('--version <version>', 'a version of its own')
    .action(record('upload'));
  const card = p.command('card').description('HTML model cards');
  card
    .command('add')
    .description('append a model card')
    .argument('<artifact>', 'a tar artifact')
    .argument('<card.html>', 'the card page')
    .action(record('card add'));
  return p;
}

async function run(...args: string[]): Promise<Ran> {
  const ran: Ran = { stdout: '', stderr: '', calls: [], hooks: [] };
  const capture = (key: 'stdout' | 'stderr') => (chunk: string | Uint8Array) => ((ran[key] += String(chunk)), true);
  vi.spyOn(process.stdout, 'write').mockImplementation(capture('stdout'));
  vi.spyOn(process.stderr, 'write').mockImplementation(capture('stderr'));
  try {
    ran.ended = await runProgram(program(ran.calls, ran.hooks), args);
  } catch (e) {
    if (!isFnnxError(e)) throw e;
    ran.error = { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
  } finally {
    vi.restoreAllMocks();
  }
  return ran;
}

afterEach(() => vi.restoreAllMocks());

describe('options into the opts object', () => {
  it('camelCases names, defaults --no-x to true, keeps declared defaults, collects repeatable options', async () => {
    const r = await run('pack', 'dir', '-o', 'x.fnnx', '--exclude', 'a', '--exclude=b', '--drop-trailing', '--no-check');
    expect(r.error).toBeUndefined();
    expect(r.calls).toEqual([
      {
        path: 'pack',
        args: [
          'dir',
          { output: 'x.fnnx', exclude: ['a', 'b'], dropTrailing: true, check: false, defaultExcludes: true, maxSize: '5368709120' },
        ],
      },
    ]);
  });

  it('a value option takes the next word whatever it looks like: -o -, -o --quiet, -o --', async () => {
    for (const value of ['-', '--quiet', '--', '-5']) {
      const r = await run('pack', 'dir', '-o', value);
      expect(r.calls[0]?.args[1], value).toMatchObject({ output: value });
      expect(r.calls[0]?.args[1], value).not.toHaveProperty('quiet');
    }
  });

  it('short forms: -qo x, -ox, -o=x (the value is "=x", as before), --output= (an empty value)', async () => {
    expect((await run('pack', 'd', '-qo', 'x')).calls[0]?.args[1]).toMatchObject({ quiet: true, output: 'x' });
    expect((await run('pack', 'd', '-ox')).calls[0]?.args[1]).toMatchObject({ output: 'x' });
    expect((await run('pack', 'd', '-o=x')).calls[0]?.args[1]).toMatchObject({ output: '=x' });
    expect((await run('pack', 'd', '--output=')).calls[0]?.args[1]).toMatchObject({ output: '' });
  });

  it('the last of a repeated plain option wins; a parser sees the value so far', async () => {
    expect((await run('pack', 'd', '-o', 'a', '-o', 'b')).calls[0]?.args[1]).toMatchObject({ output: 'b' });
    const limits = (await run('pack', 'd', '-o', 'x', '--limit', 'maxMembers=10', '--limit', 'maxJsonMember=1KiB')).calls[0]?.args[1];
    expect(limits).toMatchObject({ limit: { maxMembers: 10, maxJsonMember: 1024 } });
  });

  it('-- ends the options; a negative number is an operand of a command without subcommands', async () => {
    expect((await run('pack', '-o', 'x', '--', '--quiet')).calls[0]?.args[0]).toBe('--quiet');
    expect((await run('pack', '-5', '-o', 'x')).calls[0]?.args[0]).toBe('-5');
    expect((await run('pack', '-.5e3', '-o', 'x')).calls[0]?.args[0]).toBe('-.5e3');
  });

  it('an optional argument left out is undefined; the action gets arguments, then options, then the command', async () => {
    const calls: Ran['calls'] = [];
    const p = program(calls, []);
    let got: unknown[] = [];
    p.findCommand('upload')!.action((...args: unknown[]) => void (got = args));
    await runProgram(p, ['upload']);
    expect(got).toHaveLength(3);
    expect(got[0]).toBeUndefined();
    expect(got[1]).toEqual({});
    expect(got[2]).toBe(p.findCommand('upload'));
  });

  it('preAction hooks run before the action, root first, told which command runs', async () => {
    expect((await run('card', 'add', 'a', 'b')).hooks).toEqual(['fnnx-kit>card add']);
    expect((await run('card', 'add', 'a')).hooks).toEqual([]);
  });
});

describe('program options end at the subcommand', () => {
  it("`upload --version 1.2.0` is the subcommand's option; -V and --version before it print the version", async () => {
    expect((await run('upload', '--version', '1.2.0')).calls[0]?.args[1]).toEqual({ version: '1.2.0' });
    for (const args of [['-V'], ['--version'], ['-V', 'upload'], ['--bogus', '-V'], ['-Vx']]) {
      const r = await run(...args);
      expect([r.ended, r.stdout, r.calls], args.join(' ')).toEqual([0, '9.9.9\n', []]);
    }
  });

  it("a program option after the subcommand is unknown there; --debug before it is the program's", async () => {
    expect((await run('pack', 'd', '-o', 'x', '-V')).error).toMatchObject({ code: 'UNKNOWN_OPTION', message: "unknown option '-V'" });
    const calls: Ran['calls'] = [];
    const p = program(calls, []);
    await runProgram(p, ['--debug', 'pack', 'd', '-o', 'x']);
    expect(p.opts()).toMatchObject({ debug: true });
    expect(calls).toHaveLength(1);
  });
});

describe('usage errors: code, message (as commander wrote it) and hint', () => {
  const cases: Array<[string[], { code: string; message: string; hint?: string }]> = [
    [['pack', 'd', '-o', 'x', '--jsno'], { code: 'UNKNOWN_OPTION', message: "unknown option '--jsno'", hint: 'see fnnx-kit pack --help' }],
    [
      ['pack', 'd', '-o', 'x', '--quiett'],
      { code: 'UNKNOWN_OPTION', message: "unknown option '--quiett'", hint: 'Did you mean --quiet? Otherwise see fnnx-kit pack --help' },
    ],
    [['pack', 'd', '-o', 'x', '--check'], { code: 'UNKNOWN_OPTION', message: "unknown option '--check'" }],
    // A flag given a value is not the flag.
    [['pack', 'd', '-o', 'x', '--quiet=1'], { code: 'UNKNOWN_OPTION', message: "unknown option '--quiet=1'" }],
    // In a group of short options: the rest of the group from the first unknown letter.
    [['pack', 'd', '-o', 'x', '-qxy'], { code: 'UNKNOWN_OPTION', message: "unknown option '-xy'" }],
    [['pack', 'd', '-o', 'x', '-xq'], { code: 'UNKNOWN_OPTION', message: "unknown option '-xq'" }],
    [['pack', 'd', '-o'], { code: 'MISSING_OPTION_VALUE', message: "option '-o, --output <file>' argument missing" }],
    // A missing required option is reported before an unknown one.
    [['pack', '--bogus', 'd'], { code: 'MISSING_OPTION', message: "required option '-o, --output <file>' not specified" }],
    [['pack', '-o', 'x'], { code: 'MISSING_ARGUMENT', message: "missing required argument 'directory'" }],
    [
      ['pack', 'a', 'b', '-o', 'x'],
      { code: 'TOO_MANY_ARGUMENTS', message: "too many arguments for 'pack'. Expected 1 argument but got 2." },
    ],
    [
      ['card', 'add', 'a', 'b', 'c'],
      {
        code: 'TOO_MANY_ARGUMENTS',
        message: "too many arguments for 'add'. Expected 2 arguments but got 3.",
        hint: 'see fnnx-kit card add --help',
      },
    ],
    // A value parser's own error reaches the user as it is, even after an unknown option.
    [
      ['pack', 'd', '--bogus', '--limit', 'bad'],
      { code: 'BAD_LIMIT', message: '--limit "bad" is not name=value (e.g. maxJsonMember=128MiB)' },
    ],
    [['pakc'], { code: 'UNKNOWN_COMMAND', message: "unknown command 'pakc'", hint: 'Did you mean pack? Otherwise see fnnx-kit --help' }],
    [
      ['card', 'ad'],
      { code: 'UNKNOWN_COMMAND', message: "unknown command 'ad'", hint: 'Did you mean add? Otherwise see fnnx-kit card --help' },
    ],
    [['x', 'pack'], { code: 'UNKNOWN_COMMAND', message: "unknown command 'x'" }],
    [['--bogus', 'pack', 'd'], { code: 'UNKNOWN_OPTION', message: "unknown option '--bogus'", hint: 'see fnnx-kit --help' }],
    [['-5'], { code: 'UNKNOWN_OPTION', message: "unknown option '-5'" }],
    [
      ['--verison'],
      { code: 'UNKNOWN_OPTION', message: "unknown option '--verison'", hint: 'Did you mean --version? Otherwise see fnnx-kit --help' },
    ],
    // `--` before the subcommand: everything after it is an operand, so `--quiet` is an argument.
    [['--', 'pack', 'd', '--quiet'], { code: 'MISSING_OPTION', message: "required option '-o, --output <file>' not specified" }],
  ];
  it.each(cases)('%j', async (args, expected) => {
    const r = await run(...args);
    expect(r.calls).toEqual([]);
    expect(r.error).toMatchObject(expected);
  });
});

describe('help', () => {
  it('goes to stdout (exit 0) when asked for, to stderr (exit 2) when no command is named', async () => {
    const asked = [['--help'], ['-h'], ['help'], ['pack', '--help'], ['pack', '--bogus', '-h'], ['help', 'pack'], ['card', 'help', 'add']];
    for (const args of asked) {
      const r = await run(...args);
      expect([r.ended, r.stderr, r.calls], args.join(' ')).toEqual([0, '', []]);
      expect(r.stdout, args.join(' ')).toMatch(/^Usage: fnnx-kit /);
    }
    // `help nope` names no command (the CLI turns it into `nope --help` first: conventions.ts).
    for (const args of [[], ['--debug'], ['card'], ['card', 'help', 'nope'], ['help', 'nope']]) {
      const r = await run(...args);
      expect([r.ended, r.stdout], args.join(' ')).toEqual([2, '']);
      expect(r.stderr, args.join(' ')).toMatch(/^Usage: fnnx-kit /);
    }
    expect((await run('pack', '--', '--help')).error).toMatchObject({ code: 'MISSING_OPTION' });
  });

  it("lays a command's help out as commander did: padded terms, wrapped descriptions, value defaults, the help option", () => {
    const p = program([], []);
    expect(formatHelp(p.findCommand('pack')!, 80)).toBe(
      [
        'Usage: fnnx-kit pack [options] <directory>',
        '',
        'build a tar artifact from the directory form',
        '',
        'Arguments:',
        '  directory              an artifact in directory form',
        '',
        'Options:',
        '  -o, --output <file>    the artifact file to write',
        '  -q, --quiet            no progress bar',
        '  --exclude <glob>       leave out matching paths, repeatable',
        '  --limit <name=value>   set a limit, repeatable',
        '  --max-size <bytes>     refuse larger files (default: "5368709120")',
        '  --drop-trailing        overwrite bytes after the end blocks',
        '  --no-default-excludes  also pack __pycache__/',
        '  --no-check             skip validating the result',
        '  -h, --help             display help for command',
        '',
      ].join('\n'),
    );
    // At 66 columns the descriptions wrap under their column.
    expect(formatHelp(p.findCommand('pack')!, 66)).toContain(
      '  --max-size <bytes>     refuse larger files (default:\n                         "5368709120")\n',
    );
  });

  it('lists subcommands with [options] only where they have options, then help [command]; added text follows', () => {
    const p = program([], []).addHelpText('after', '\nExit codes: …');
    expect(formatHelp(p, 80)).toBe(
      [
        'Usage: fnnx-kit [options] [command]',
        '',
        'the test program',
        '',
        'Options:',
        '  -V, --version               print the version and exit',
        '  --debug                     print stack traces with errors',
        '  -h, --help                  display help for command',
        '',
        'Commands:',
        '  pack [options] <directory>  build a tar artifact from the directory form',
        '  upload [options] [file]     send an artifact',
        '  card                        HTML model cards',
        '  help [command]              display help for command',
        '',
        'Exit codes: …',
        '',
      ].join('\n'),
    );
    expect(formatHelp(p.findCommand('card')!, 80)).toContain('  add <artifact> <card.html>  append a model card\n');
  });
});

describe('did you mean', () => {
  it('suggests the closest names within three edits, all equally close ones, and nothing far off', () => {
    expect(suggestSimilar('inspekt', ['inspect', 'index', 'cat'])).toBe('Did you mean inspect?');
    expect(suggestSimilar('--jsno', ['--json', '--help'])).toBe('Did you mean --json?');
    expect(suggestSimilar('--check', ['--no-check', '--help'])).toBe('Did you mean --no-check?');
    expect(suggestSimilar('ca', ['cat', 'card'])).toBe('Did you mean cat?');
    expect(suggestSimilar('cad', ['cat', 'card'])).toBe('Did you mean one of card, cat?');
    expect(suggestSimilar('frobnicate', ['inspect', 'index', 'cat'])).toBe('');
  });
});

describe('the fnnx-kit command line, as the commander-based CLI answered it', () => {
  // Recorded from the CLI before the parser changed: exit code and the one error line (and hint).
  const errors: Array<[string[], number, string]> = [
    [
      ['inspect', '--json=1', 'x'],
      2,
      "fnnx-kit: unknown option '--json=1' (UNKNOWN_OPTION)\n  hint: Did you mean --json? Otherwise see fnnx-kit inspect --help\n",
    ],
    [['inspect', '-hx'], 2, "fnnx-kit: unknown option '-hx' (UNKNOWN_OPTION)\n  hint: see fnnx-kit inspect --help\n"],
    [['inspect', '-5'], 2, 'fnnx-kit: -5: no such file or directory (NOT_FOUND)\n  hint: check the path, or give another one\n'],
    [
      ['inspect', '--', '--help'],
      2,
      'fnnx-kit: --help: no such file or directory (NOT_FOUND)\n  hint: check the path, or give another one\n',
    ],
    [['inspect', '--version'], 2, "fnnx-kit: unknown option '--version' (UNKNOWN_OPTION)\n  hint: see fnnx-kit inspect --help\n"],
    [
      ['inspect', '--bogus', '--limit', 'bad'],
      2,
      'fnnx-kit: --limit "bad" is not name=value (e.g. maxJsonMember=128MiB) (BAD_LIMIT)\n  hint: a limit is name=value with an optional unit, e.g. --limit maxJsonMember=128MiB; `fnnx-kit validate --help` lists the names\n',
    ],
    [
      ['--', 'describe', 'x', '--json'],
      2,
      "fnnx-kit: too many arguments for 'describe'. Expected 1 argument but got 2. (TOO_MANY_ARGUMENTS)\n  hint: see fnnx-kit describe --help\n",
    ],
    [['-xV'], 2, "fnnx-kit: unknown option '-xV' (UNKNOWN_OPTION)\n  hint: see fnnx-kit --help\n"],
    [['-', 'inspect'], 2, "fnnx-kit: unknown command '-' (UNKNOWN_COMMAND)\n  hint: see fnnx-kit --help\n"],
    [['card', '--bogus'], 2, "fnnx-kit: unknown option '--bogus' (UNKNOWN_OPTION)\n  hint: see fnnx-kit card --help\n"],
    [
      ['pack', 'nope', '--no-checks', '-o', 'x'],
      2,
      "fnnx-kit: unknown option '--no-checks' (UNKNOWN_OPTION)\n  hint: Did you mean --no-check? Otherwise see fnnx-kit pack --help\n",
    ],
    [
      ['pack', 'nope', '--output=', '--no-check'],
      2,
      'fnnx-kit: give the output file with -o (NO_OUTPUT)\n  hint: e.g. -o model.fnnx ("-o -" writes to stdout where the command allows it)\n',
    ],
    [
      ['pack', '--bogus', 'nope'],
      2,
      "fnnx-kit: required option '-o, --output <file>' not specified (MISSING_OPTION)\n  hint: see fnnx-kit pack --help\n",
    ],
    [
      ['new', 'd', '--versio', '1'],
      2,
      "fnnx-kit: required option '--onnx <model.onnx>' not specified (MISSING_OPTION)\n  hint: see fnnx-kit new --help\n",
    ],
    [
      ['new', 'd', '--input-name', 'x'],
      2,
      'fnnx-kit: "x" is not old=new (e.g. float_input=features) (BAD_OPTION)\n  hint: run the command with --help to see what it takes\n',
    ],
    [
      ['upload', '--resume', 'f'],
      2,
      "fnnx-kit: unknown option '--resume' (UNKNOWN_OPTION)\n  hint: Did you mean --no-resume? Otherwise see fnnx-kit upload --help\n",
    ],
    [
      ['upload', 'f', '--details'],
      2,
      "fnnx-kit: option '--details <details.json>' argument missing (MISSING_OPTION_VALUE)\n  hint: see fnnx-kit upload --help\n",
    ],
    [
      ['extract', 'x', '--directory'],
      2,
      "fnnx-kit: option '-C, --directory <dir>' argument missing (MISSING_OPTION_VALUE)\n  hint: see fnnx-kit extract --help\n",
    ],
    [
      ['card', 'add', 'a', 'b', 'c'],
      2,
      "fnnx-kit: too many arguments for 'add'. Expected 2 arguments but got 3. (TOO_MANY_ARGUMENTS)\n  hint: see fnnx-kit card add --help\n",
    ],
    [['card', 'show', 'x', '--jsn'], 2, "fnnx-kit: unknown option '--jsn' (UNKNOWN_OPTION)\n  hint: see fnnx-kit card show --help\n"],
    [
      ['validate', '--max-siz', '1'],
      2,
      "fnnx-kit: unknown option '--max-siz' (UNKNOWN_OPTION)\n  hint: Did you mean --max-size? Otherwise see fnnx-kit validate --help\n",
    ],
  ];
  it.each(errors)('%j', async (args, code, stderr) => {
    const r = await runCliAsync(args);
    expect([r.code, r.stdout, r.stderr]).toEqual([code, '', stderr]);
  });

  // Where help and the version go, and with which exit code.
  const routed: Array<[string[], number, 'stdout' | 'stderr', string]> = [
    [[], 2, 'stderr', 'Usage: fnnx-kit [options] [command]'],
    [['--debug'], 2, 'stderr', 'Usage: fnnx-kit [options] [command]'],
    [['card'], 2, 'stderr', 'Usage: fnnx-kit card [options] [command]'],
    [['card', 'help', 'bogus'], 2, 'stderr', 'Usage: fnnx-kit card [options] [command]'],
    [['help'], 0, 'stdout', 'Usage: fnnx-kit [options] [command]'],
    [['help', 'frobnicate'], 0, 'stdout', 'Usage: fnnx-kit [options] [command]'],
    [['help', 'card', 'bogus'], 0, 'stdout', 'Usage: fnnx-kit card [options] [command]'],
    [['card', 'help', 'add'], 0, 'stdout', 'Usage: fnnx-kit card add [options] <artifact> <card.html>'],
    [['--debug', 'help', 'inspect'], 0, 'stdout', 'Usage: fnnx-kit inspect [options] <artifact...>'],
    [['card', '--help', 'add'], 0, 'stdout', 'Usage: fnnx-kit card [options] [command]'],
    [['inspect', '--bogus', '--', '--help'], 0, 'stdout', 'Usage: fnnx-kit inspect [options] <artifact...>'],
    [['inspect', '--help', 'x', 'y', 'z'], 0, 'stdout', 'Usage: fnnx-kit inspect [options] <artifact...>'],
    [['-V', 'inspect'], 0, 'stdout', VERSION],
    [['--bogus', '-V'], 0, 'stdout', VERSION],
  ];
  it.each(routed)('%j', async (args, code, stream, first) => {
    const r: CliResult = await runCliAsync(args);
    expect(r.code).toBe(code);
    expect(r[stream].split('\n')[0]).toBe(first);
    expect(r[stream === 'stdout' ? 'stderr' : 'stdout']).toBe('');
  });

  it('with --json a usage error is JSON on stdout, even on a command that prints raw bytes (cat)', () => {
    const r = runCli(['cat', '--json'], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      error: { code: 'UNKNOWN_OPTION', message: "unknown option '--json'", member: null, hint: 'see fnnx-kit cat --help', artifact: null },
    });
  });
});
