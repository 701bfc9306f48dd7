import { describe, expect, it } from 'vitest';
import { CONVENTIONS } from '../src/cli/conventions.js';
import { runCli } from './helpers/cli.js';

/** Issue 25, item 9: every command's --help says what the command prints, in text and with --json. */
describe('help says what a command prints', () => {
  it.each([...CONVENTIONS.keys()])('%s --help has a "Prints:" line', (path) => {
    const r = runCli([...path.split(' '), '--help']);
    expect(r.code).toBe(0);
    const prints = /^Prints: (.+)$/m.exec(r.stdout);
    expect(prints?.[1]).toMatch(/\S{3}/);
    // A command with --json says what that prints too.
    if (/--json\b/.test(r.stdout)) expect(prints?.[1]).toMatch(/--json/);
  });
});
