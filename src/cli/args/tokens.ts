/**
 * A command line split into tokens exactly as node:util's parseArgs splits it with
 * `{ strict: false, allowPositionals: true, tokens: true }` (test/cli-tokens.test.ts holds the two
 * side by side on random command lines). Ours because loading and first running parseArgs cost
 * every command ~0.45 ms of start-up (bench/startup.mjs); this runs from the bundle's code cache.
 */

export type Token =
  | { kind: 'positional'; index: number; value: string }
  | { kind: 'option-terminator'; index: number }
  | {
      kind: 'option';
      index: number;
      /** The long name (without `--`), or the letter of a short option no long one claims. */
      name: string;
      rawName: string;
      value: string | undefined;
      inlineValue: boolean | undefined;
    };

/** What the tokenizer needs of an option: whether it takes a value, and its letter (one option's at most: Command refuses a clash). Keyed by long name. */
export interface TokenOption {
  takesValue: boolean;
  short?: string;
}

/**
 * Splits `args`. An option that takes a value takes the next argument whatever it looks like; a
 * group of short options (`-qv`) gives one token per letter, all with the group's index, and a
 * letter that takes a value takes the rest of the group.
 */
export function tokenize(args: readonly string[], options: ReadonlyMap<string, TokenOption>): Token[] {
  const longOf = (letter: string): string => {
    for (const [name, o] of options) if (o.short === letter) return name;
    return letter;
  };
  const takesValue = (name: string): boolean => options.get(name)?.takesValue === true;
  const tokens: Token[] = [];
  const rest = [...args];
  let index = -1;
  let grouped = 0;
  /** An option given alone (`-o`, `--out`): one that takes a value takes the next argument. */
  const alone = (name: string, rawName: string): void => {
    const value = takesValue(name) && rest.length > 0 ? rest.shift() : undefined;
    tokens.push({ kind: 'option', index, name, rawName, value, inlineValue: value === undefined ? undefined : false });
    if (value !== undefined) index++;
  };
  while (rest.length > 0) {
    const arg = rest.shift()!;
    if (grouped > 0) grouped--;
    else index++;
    if (arg === '--') {
      tokens.push({ kind: 'option-terminator', index });
      for (const value of rest) tokens.push({ kind: 'positional', index: ++index, value });
      break;
    }
    const short = arg.length >= 2 && arg[0] === '-' && arg[1] !== '-';
    if (short && arg.length === 2) {
      alone(longOf(arg[1]!), arg);
      continue;
    }
    if (short && !takesValue(longOf(arg[1]!))) {
      const expanded = expandGroup(arg, (letter) => takesValue(longOf(letter)));
      rest.unshift(...expanded);
      grouped = expanded.length;
      continue;
    }
    if (short) {
      tokens.push({ kind: 'option', index, name: longOf(arg[1]!), rawName: arg.slice(0, 2), value: arg.slice(2), inlineValue: true });
      continue;
    }
    if (arg.length > 2 && arg.startsWith('--')) {
      // parseArgs looks for '=' from the name's second character, then splits at the first one.
      if (arg.includes('=', 3)) {
        const eq = arg.indexOf('=');
        tokens.push({
          kind: 'option',
          index,
          name: arg.slice(2, eq),
          rawName: arg.slice(0, eq),
          value: arg.slice(eq + 1),
          inlineValue: true,
        });
        continue;
      }
      alone(arg.slice(2), arg);
      continue;
    }
    tokens.push({ kind: 'positional', index, value: arg });
  }
  return tokens;
}

/** `-abfFILE` → `-a -b -fFILE`: letters up to the first that takes a value, which keeps the rest. */
function expandGroup(arg: string, takesValue: (letter: string) => boolean): string[] {
  const expanded: string[] = [];
  for (let i = 1; i < arg.length; i++) {
    const letter = arg[i]!;
    if (!takesValue(letter) || i === arg.length - 1) {
      expanded.push(`-${letter}`);
    } else {
      expanded.push(`-${arg.slice(i)}`);
      break;
    }
  }
  return expanded;
}
