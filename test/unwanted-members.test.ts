import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unwantedReason } from '../src/safety/unwanted-files.js';
import { runCli } from './helpers/cli.js';
import { soundTar } from './helpers/hostile-corpus.js';
import { file } from './helpers/hostile-tar.js';
import { MINIMAL_DIR, tempDir } from './helpers/paths.js';

/**
 * Issue 25, item 1: `pack .` in a folder that is also a git repository put all of .git/ into the
 * model (a repository's history, and whatever secrets it holds); validate called it sound.
 */
type Finding = { code: string; severity: string; member: string | null };

describe('version-control, OS and editor files', () => {
  it('are named by one rule: .git/.hg/.svn folders at any depth, .DS_Store, Thumbs.db, swap and backup files', () => {
    for (const p of ['.git/config', 'a/.git/objects/x', '.hg/store', 'sub/.svn/entries', '.DS_Store', 'x/Thumbs.db', 'm.py.swp', 'm.py~'])
      expect(unwantedReason(p), p).toBeDefined();
    for (const p of ['git/config', 'x.gitignore', 'model.onnx', 'a.swp.bin', '~', 'my.git/x']) expect(unwantedReason(p), p).toBeUndefined();
  });

  it('pack leaves them out by default; --no-default-excludes keeps them', () => {
    const dir = join(tempDir('fnnx-unwanted-'), 'model');
    cpSync(MINIMAL_DIR, dir, { recursive: true });
    mkdirSync(join(dir, '.git', 'objects'), { recursive: true });
    writeFileSync(join(dir, '.git', 'config'), '[core]\n');
    writeFileSync(join(dir, '.git', 'objects', 'ab'), 'x');
    writeFileSync(join(dir, '.DS_Store'), 'x');
    writeFileSync(join(dir, 'variant_artifacts', '__pyfunc__.py.swp'), 'x');
    const out = join(dir, '..', 'model.fnnx');
    const r = runCli(['pack', dir, '-o', out, '-q', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const names = Object.keys((JSON.parse(r.stdout) as { file_index: Record<string, unknown> }).file_index);
    expect(names.filter((n) => unwantedReason(n) !== undefined)).toEqual([]);
    const all = runCli(['pack', dir, '-o', out, '-q', '--json', '--no-default-excludes']);
    expect(all.code, all.stderr).toBe(0);
    const kept = Object.keys((JSON.parse(all.stdout) as { file_index: Record<string, unknown> }).file_index);
    expect(kept).toEqual(expect.arrayContaining(['.git/config', '.DS_Store', 'variant_artifacts/__pyfunc__.py.swp']));
  });

  it('validate warns on each such member of an artifact (UNWANTED_MEMBER), so --strict refuses it', () => {
    const path = join(tempDir('fnnx-unwanted-'), 'm.fnnx');
    writeFileSync(path, soundTar([file('.git/config', '[core]\n'), file('.DS_Store', 'x'), file('weights.bin', 'w')]));
    const r = runCli(['validate', path, '--json']);
    const found = (JSON.parse(r.stdout) as { diagnostics: Finding[] }).diagnostics.filter((d) => d.code === 'UNWANTED_MEMBER');
    expect(found.map((d) => [d.member, d.severity])).toEqual([
      ['.git/config', 'warning'],
      ['.DS_Store', 'warning'],
    ]);
    expect(runCli(['validate', path, '--strict']).code).toBe(1);
  });

  it('pack reads .fnnxignore at the folder root as --exclude patterns (comments, blank lines), never packs it, and says what it left out', () => {
    const dir = join(tempDir('fnnx-ignore-'), 'model');
    cpSync(MINIMAL_DIR, dir, { recursive: true });
    mkdirSync(join(dir, 'logs'));
    writeFileSync(join(dir, 'logs', 'train.log'), 'x');
    writeFileSync(join(dir, 'notes.tmp'), 'x');
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(dir, '.fnnxignore'), '# training leftovers\n\nlogs/\n*.tmp   \n');
    const r = runCli(['pack', dir, '-o', join(dir, '..', 'm.fnnx'), '-q', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const names = Object.keys((JSON.parse(r.stdout) as { file_index: Record<string, unknown> }).file_index);
    expect(names.some((n) => n.startsWith('logs/') || n.endsWith('.tmp') || n.startsWith('.git/') || n === '.fnnxignore')).toBe(false);
    expect(r.stderr).toBe('left out 4 path(s): .fnnxignore, .git/, logs/, notes.tmp (default excludes, .fnnxignore, --exclude)\n');
  });

  it('a .fnnxignore line that re-includes (!) is refused with its line number, nothing written', () => {
    const dir = join(tempDir('fnnx-ignore-'), 'model');
    cpSync(MINIMAL_DIR, dir, { recursive: true });
    writeFileSync(join(dir, '.fnnxignore'), 'logs/\n!logs/keep.txt\n');
    const out = join(dir, '..', 'm.fnnx');
    const r = runCli(['pack', dir, '-o', out, '-q']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.fnnxignore:2: "!logs\/keep\.txt" re-includes a path, which pack does not support \(BAD_EXCLUDE\)/);
    expect(existsSync(out)).toBe(false);
  });
});
