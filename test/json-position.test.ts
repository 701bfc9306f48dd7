import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../src/artifact/json-member.js';
import { runCli } from './helpers/cli.js';
import { CORPUS_TAR, tempDir } from './helpers/paths.js';

/** Issue 25, item 9: a JSON error says line and column (V8 gives an offset; Node 22+ adds both in its own words). */
const BAD = '{\n  "id": "m",\n  "producer" "t"\n}\n';

describe('JSON errors', () => {
  it('name the line and column on every Node, once', () => {
    const e = (() => {
      try {
        parseJson(new TextEncoder().encode(BAD), 'meta.json');
      } catch (err) {
        return err as Error & { code: string };
      }
      throw new Error('parsed');
    })();
    expect(e.code).toBe('JSON_INVALID');
    expect(e.message).toMatch(/ at line 3, column 14$/);
    expect(e.message).not.toMatch(/position|\(line/);
  });

  it('reach the CLI with the file named', () => {
    const dir = tempDir('fnnx-jsonpos-');
    const entry = join(dir, 'entry.json');
    writeFileSync(entry, BAD);
    const r = runCli(['append-meta', CORPUS_TAR, '--entry', entry]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(entry);
    expect(r.stderr).toMatch(/at line 3, column 14 \(JSON_INVALID\)/);
  });
});
