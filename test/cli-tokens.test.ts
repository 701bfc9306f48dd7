/**
 * The CLI's tokenizer (src/cli/args/tokens.ts) splits a command line exactly as node:util's
 * parseArgs does with `{ strict: false, allowPositionals: true, tokens: true }`, which it replaced
 * for start-up time: what a command line means must not change. parseArgs of the Node running the
 * test is the oracle, on random command lines over random option sets.
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenize, type TokenOption } from '../src/cli/args/tokens.js';

type ParseArgsOptions = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

function oracle(args: string[], options: Map<string, TokenOption>): unknown[] {
  const config: ParseArgsOptions = {};
  for (const [name, o] of options)
    config[name] = o.short ? { type: o.takesValue ? 'string' : 'boolean', short: o.short } : { type: o.takesValue ? 'string' : 'boolean' };
  return parseArgs({ args, options: config, strict: false, allowPositionals: true, tokens: true }).tokens;
}

/** Arguments built from the pieces that matter to a tokenizer: dashes, letters that are (or are not) options, `=`. */
const arg = fc.oneof(
  fc.constantFrom('--', '-', '---', '--=', '--=x', '-=', '', 'file.fnnx', '-5', '-1.5', '--no-check'),
  fc.stringMatching(/^-{0,2}[abovx=5-]{0,6}$/),
);

const option = fc.record({ takesValue: fc.boolean(), short: fc.option(fc.constantFrom('a', 'b', 'o', 'v', 'x'), { nil: undefined }) });
const options = fc
  .uniqueArray(fc.tuple(fc.constantFrom('a', 'b', 'o', 'out', 'verbose', 'a-b', 'x=y', 'no-check', '5'), option), {
    selector: ([name]) => name,
    maxLength: 6,
  })
  // A letter names one option at most: Command refuses a clash (and parseArgs would pick by key order).
  .map((entries) => {
    const lettersTaken = new Set<string>();
    return new Map(
      entries.map(([name, o]) => {
        const short = o.short !== undefined && !lettersTaken.has(o.short) ? o.short : undefined;
        if (short) lettersTaken.add(short);
        return [name, short ? { takesValue: o.takesValue, short } : { takesValue: o.takesValue }];
      }),
    );
  });

describe('tokenize: parseArgs tokens, exactly', () => {
  it('gives the tokens parseArgs gives, for random command lines and option sets', () => {
    fc.assert(
      fc.property(fc.array(arg, { maxLength: 8 }), options, (args, opts) => {
        expect(tokenize(args, opts)).toEqual(oracle(args, opts));
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['a value option takes the next argument, whatever it looks like', ['-o', '-x', 'rest']],
    ['a group of flags is one token per letter, with the group’s index', ['-vx', 'file']],
    ['a letter that takes a value takes the rest of its group', ['-vofile.tar', 'more']],
    ['`--name=value` is an inline value; `--=x` splits at the first `=`', ['--out=a=b', '--=x', '--a-b=']],
    ['`--` ends options: the rest are operands', ['-v', '--', '-o', '--out']],
    ['a value option at the end has no value', ['file', '--out']],
  ])('%s', (_, args) => {
    const opts = new Map<string, TokenOption>([
      ['out', { takesValue: true, short: 'o' }],
      ['verbose', { takesValue: false, short: 'v' }],
      ['a-b', { takesValue: true }],
    ]);
    expect(tokenize(args, opts)).toEqual(oracle(args, opts));
  });
});
