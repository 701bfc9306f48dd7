import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Expected } from '../../describe/verify.js';
import { ArtifactError, UsageError } from '../../errors.js';
import { progressBar, type Progress } from '../progress.js';
import { parseByteCount } from './describe.js';

interface VerifyOptions {
  descriptor?: string;
  sha256?: string;
  size?: string;
  md5?: string;
  quiet?: boolean;
}

async function expectedFrom(opts: VerifyOptions): Promise<Expected> {
  const expected: Expected = {};
  if (opts.descriptor) {
    let doc: unknown;
    try {
      doc = JSON.parse(await readFile(opts.descriptor, 'utf8'));
    } catch (e) {
      throw new UsageError('BAD_DESCRIPTOR', `cannot read ${opts.descriptor} as JSON: ${(e as Error).message}`);
    }
    const d = doc as Partial<Record<keyof Expected, unknown>>;
    if (typeof d !== 'object' || d === null || typeof d.file_hash !== 'string') {
      throw new UsageError('BAD_DESCRIPTOR', `${opts.descriptor} is not an upload descriptor (no file_hash)`);
    }
    Object.assign(expected, { file_hash: d.file_hash, size: d.size, file_index: d.file_index } as Expected);
  }
  if (opts.sha256 !== undefined) {
    if (!/^[0-9a-fA-F]{64}$/.test(opts.sha256)) throw new UsageError('BAD_OPTION', '--sha256 must be 64 hex characters');
    expected.file_hash = opts.sha256;
  }
  if (opts.size !== undefined) expected.size = parseByteCount(opts.size, '--size');
  if (opts.md5 !== undefined) {
    if (!/^[0-9a-fA-F]{32}$/.test(opts.md5)) throw new UsageError('BAD_OPTION', '--md5 must be 32 hex characters');
    expected.md5 = opts.md5;
  }
  if (expected.file_hash === undefined && expected.md5 === undefined) {
    throw new UsageError('NOTHING_TO_VERIFY', 'give --descriptor <file>, or --sha256 <hex> (with --size, --md5 as wanted)');
  }
  return expected;
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('recompute hash, size and file_index in one pass and compare them with a descriptor or checksums (exit 1 on any difference)')
    .argument('<artifact>', 'a tar artifact file or an http(s) URL')
    .option('--descriptor <file>', 'an upload descriptor (as `describe` prints it)')
    .option('--sha256 <hex>', 'the expected SHA-256')
    .option('--size <bytes>', 'the expected size')
    .option('--md5 <hex>', 'the expected MD5 (for stores that checksum with it), computed in the same pass')
    .option('-q, --quiet', 'no progress bar')
    .action(async (target: string, opts: VerifyOptions) => {
      const { differences } = await import('../../describe/verify.js');
      const { describeFile } = await import('../../node/describe-file.js');
      const expected = await expectedFrom(opts);
      let bar: Progress | undefined;
      let result;
      try {
        result = await describeFile(target, {
          uploadChecks: false,
          extraDigests: expected.md5 !== undefined ? ['md5'] : [],
          onStart: (size) => (bar = opts.quiet ? undefined : progressBar('verify', size)),
          onProgress: (n) => bar?.update(n),
        });
      } finally {
        bar?.finish();
      }
      const diffs = differences(expected, result);
      if (diffs.length > 0) {
        for (const d of diffs) process.stderr.write(`  ${d}\n`);
        throw new ArtifactError('VERIFY_MISMATCH', `${diffs.length} difference(s) from what was expected (listed above)`, { member: target });
      }
      const checked = [expected.file_hash && 'sha256', expected.size !== undefined && 'size', expected.md5 && 'md5', expected.file_index && 'file_index'];
      process.stdout.write(`ok: ${target} matches (${checked.filter(Boolean).join(', ')})\n`);
    });
}
