/**
 * How one command's share of the command line is split (src/cli/args/walk.ts over node:util's
 * parseArgs tokens): which words are operands, which are option values, and where the unknown part
 * starts. These pin the splitting rules the CLI's own tokenizer had before parseArgs replaced it
 * (cli-args.test.ts pins whole command lines through the CLI).
 */
import { describe, expect, it } from 'vitest';
import { Command } from '../src/cli/args/command.js';
import { walk } from '../src/cli/args/walk.js';
import { isFnnxError } from '../src/errors.js';

/** A command with a value option (`-o, --out`), a flag (`-v, --verbose`), a long-only value option and a negatable flag. */
function command(): Command {
  return new Command('cmd')
    .option('-o, --out <file>', 'where to write')
    .option('-v, --verbose', 'say more')
    .option('--a-b <value>', 'a long-only value option')
    .option('--no-check', 'skip the check');
}

function split(args: string[]) {
  const cmd = command();
  const walked = walk(cmd, args);
  return { ...walked, opts: { ...cmd.opts() } };
}

describe('walk: a command line split by parseArgs, read as the CLI always read it', () => {
  it('a value option takes the next argument, whatever it looks like', () => {
    expect(split(['-o', '-x', 'rest'])).toEqual({ operands: ['rest'], unknown: [], opts: { out: '-x', check: true } });
    expect(split(['--out', '--verbose'])).toEqual({ operands: [], unknown: [], opts: { out: '--verbose', check: true } });
  });

  it('a group of flags is one option per letter; a letter that takes a value takes the rest of its group', () => {
    expect(split(['-vofile.tar', 'more'])).toEqual({
      operands: ['more'],
      unknown: [],
      opts: { verbose: true, out: 'file.tar', check: true },
    });
    expect(split(['-vo', 'file.tar'])).toEqual({ operands: [], unknown: [], opts: { verbose: true, out: 'file.tar', check: true } });
  });

  it('an unknown letter in a group makes the rest of the group, and every word after it, unknown', () => {
    expect(split(['-vxq', 'file', 'more'])).toEqual({
      operands: [],
      unknown: ['-xq', 'file', 'more'],
      opts: { verbose: true, check: true },
    });
  });

  it('`--name=value` is an inline value split at the first `=`; an empty one is a value', () => {
    expect(split(['--out=a=b', '--a-b='])).toEqual({ operands: [], unknown: [], opts: { out: 'a=b', aB: '', check: true } });
  });

  it('a flag given an inline value is not the flag: it is unknown', () => {
    expect(split(['--verbose=1', 'file'])).toEqual({ operands: [], unknown: ['--verbose=1', 'file'], opts: { check: true } });
  });

  it('`--` ends the options: the rest are operands, even ones that look like options', () => {
    expect(split(['-v', '--', '-o', '--out'])).toEqual({ operands: ['-o', '--out'], unknown: [], opts: { verbose: true, check: true } });
  });

  it('a negative number is an operand; `--no-check` sets check to false', () => {
    expect(split(['-5', '--no-check', '-1.5'])).toEqual({ operands: ['-5', '-1.5'], unknown: [], opts: { check: false } });
  });

  it('a value option at the end with no value is the usage error MISSING_OPTION_VALUE', () => {
    let error: unknown;
    try {
      split(['file', '--out']);
    } catch (e) {
      error = e;
    }
    expect(isFnnxError(error) && error.code).toBe('MISSING_OPTION_VALUE');
  });

  it('on a command with subcommands, the first operand naming one ends this command’s options', () => {
    const program = new Command('p').option('-v, --verbose', 'say more');
    program.command('sub').option('--version <v>', 'the model’s version');
    expect(walk(program, ['-v', 'sub', '--version', '1.2.0'])).toEqual({ operands: ['sub'], unknown: ['--version', '1.2.0'] });
    expect(program.opts()).toEqual({ verbose: true });
  });
});
