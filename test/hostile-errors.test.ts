import { describe, expect, it } from 'vitest';
import { exitCodeOf, formatError } from '../src/cli/errors.js';
import { ArtifactError, LimitError, SourceError, TarFormatError, UsageError } from '../src/errors.js';

describe('CLI error lines', () => {
  it('prints one line with member and code, then the hint', () => {
    const out = formatError(new ArtifactError('JSON_INVALID', 'is not valid JSON', { member: 'manifest.json', hint: 'fix it' }));
    expect(out).toBe('fnnx-kit: manifest.json: is not valid JSON (JSON_INVALID)\n  hint: fix it\n');
  });

  it('escapes newlines and terminal escapes in member names so a name cannot forge lines', () => {
    const out = formatError(new TarFormatError('NUL_IN_NAME', 'bad\rname', { member: 'a\nfnnx-kit: fake (OK)\u001b[2J\u202e' }));
    // The error line and the hint line every error ends with: no line forged by the name.
    expect(out.split('\n').filter(Boolean)).toHaveLength(2);
    expect(out.split('\n')[1]).toMatch(/^ {2}hint: /);
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    expect(out).toContain('a\\nfnnx-kit: fake (OK)\\u001b[2J\\u202e');
  });

  it('shows a stack only with --debug', () => {
    const e = new LimitError('maxJsonDepth', 'JSON nests deeper than 256 levels', { member: 'ops.json' });
    expect(formatError(e)).not.toContain('    at ');
    expect(formatError(e, true)).toContain('    at ');
  });

  it('names the limit in a LimitError hint', () => {
    expect(formatError(new LimitError('maxMembers', 'too many'))).toContain('"maxMembers"');
  });

  it('turns a non-kit error into one INTERNAL line', () => {
    const out = formatError(new Error('boom\nsecond line'));
    expect(out.split('\n')[0]).toBe('fnnx-kit: boom (INTERNAL)');
  });

  it('maps artifact errors to exit 1 and usage/io errors to exit 2', () => {
    expect(exitCodeOf(new TarFormatError('BAD_CHECKSUM', 'x'))).toBe(1);
    expect(exitCodeOf(new LimitError('maxMembers', 'x'))).toBe(1);
    expect(exitCodeOf(new UsageError('BAD_OPTION', 'x'))).toBe(2);
    expect(exitCodeOf(new SourceError('IO_ERROR', 'x'))).toBe(2);
    expect(exitCodeOf(new Error('x'))).toBe(2);
  });
});
