import type { Command } from '../args/command.js';
import type { Expected } from '../../describe/verify.js';
import { ArtifactError, UsageError } from '../../errors.js';
import { printJson } from '../common.js';
import { EXIT_BAD_ARTIFACT } from '../errors.js';
import { progressBar, type Progress } from '../progress.js';
import { parseByteCount } from './describe.js';
import { line } from '../../safety/printable.js';
import { shortList } from '../render/table.js';
import { writeErr, writeOut } from '../stdout.js';

interface VerifyOptions {
  descriptor?: string;
  sha256?: string;
  size?: string;
  md5?: string;
  quiet?: boolean;
  json?: boolean;
}

async function expectedFrom(opts: VerifyOptions): Promise<Expected> {
  const expected: Expected = {};
  if (opts.descriptor) {
    const { loadDescriptor } = await import('../../node/download-verify.js');
    const { file_hash, size, file_index } = await loadDescriptor(opts.descriptor);
    Object.assign(expected, { file_hash, size, file_index });
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
    // A descriptor was given but holds no hash: asking for --descriptor again would not help.
    if (opts.descriptor !== undefined) {
      throw new UsageError('NOTHING_TO_VERIFY', `descriptor ${opts.descriptor} has no file_hash, and no --sha256 or --md5 was given`, {
        hint: 'give --sha256 <hex> (or --md5 <hex>) with it, or the descriptor `fnnx-kit describe` prints',
      });
    }
    throw new UsageError('NOTHING_TO_VERIFY', 'give --descriptor <file>, or --sha256 <hex> (with --size, --md5 as wanted)');
  }
  return expected;
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description(
      'recompute hash, size and file_index in one pass and compare them with a descriptor or checksums (exit 1 on any difference)',
    )
    .argument('<artifact>', 'a tar artifact file or an http(s) URL')
    .option('--descriptor <file>', 'an upload descriptor (as `describe` prints it)')
    .option('--sha256 <hex>', 'the expected SHA-256')
    .option('--size <bytes>', 'the expected size')
    .option('--md5 <hex>', 'the expected MD5 (for stores that checksum with it), computed in the same pass')
    .option('-q, --quiet', 'no progress bar')
    .option('--json', 'print {target, ok, checked, differences} (exit 1 still marks a mismatch)')
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
          // The CLI has nothing else to run: the pass on this thread saves the worker's start-up.
          worker: false,
        });
      } finally {
        bar?.finish();
      }
      const diffs = differences(expected, result);
      const checked = [
        expected.file_hash && 'sha256',
        expected.size !== undefined && 'size',
        expected.md5 && 'md5',
        expected.file_index && 'file_index',
      ].filter((c): c is string => typeof c === 'string');
      if (opts.json) {
        await printJson({ target, ok: diffs.length === 0, checked, differences: diffs });
        if (diffs.length > 0) process.exitCode = EXIT_BAD_ARTIFACT;
        return;
      }
      if (diffs.length > 0) {
        await writeErr(shortList(diffs.map((d) => line`${d}`)));
        throw new ArtifactError('VERIFY_MISMATCH', `${diffs.length} difference(s) from what was expected (listed above)`, {
          member: target,
        });
      }
      await writeOut(line`ok: ${target} matches ` + `(${checked.join(', ')})\n`);
    });
}
