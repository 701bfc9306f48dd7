import type { Command } from '../args/command.js';
import { UsageError } from '../../errors.js';
import { loadIndex, printJson, withSourceOptions, type SourceOptions } from '../common.js';
import { EXIT_BAD_ARTIFACT } from '../errors.js';
import { renderValidation } from '../render/validate-text.js';
import { rateOptions, withDeadline } from '../network-options.js';
import { writeOut } from '../stdout.js';

interface ValidateCliOptions extends SourceOptions {
  json?: boolean;
  strict?: boolean;
  forUpload?: boolean;
  maxSize?: string;
}

export function registerValidate(program: Command): void {
  withSourceOptions(
    program
      .command('validate')
      .description('check an artifact against every rule of the format; exit 0 sound (warnings allowed), 1 broken, 2 could not read')
      .argument('<artifact>', 'a .fnnx/.pyfnx/.dfs/.luml file, a directory, or an http(s) URL')
      .option('--json', 'print {target, valid, strict, counts, diagnostics: [{code, severity, message, member, pointer}]}')
      .option('--strict', 'warnings count as errors (unsupported variant/op/env kind, legacy metadata, ...)')
      .option('--for-upload', "also apply the registry's upload rules: extension, size limit, a plain tar file")
      .option('--max-size <bytes>', 'upload size limit for --for-upload (default 5368709120)'),
  ).action(async (target: string, opts: ValidateCliOptions) => {
    // Loaded when run: the validator and its compiled schemas are the CLI's heaviest modules.
    const { validateTarget } = await import('../../node/validate.js');
    const index = await loadIndex(opts.index);
    const report = await withDeadline(opts, (signal) =>
      validateTarget(target, {
        strict: opts.strict,
        forUpload: opts.forUpload,
        maxSize: parseSize(opts.maxSize),
        index,
        remote: rateOptions(opts),
        signal,
        blocking: true,
      }),
    );
    if (opts.json) await printJson(report);
    else await writeOut(renderValidation(report));
    if (!report.valid) process.exitCode = EXIT_BAD_ARTIFACT;
  });
}

function parseSize(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new UsageError('BAD_OPTION', `--max-size takes a whole number of bytes, not "${text}"`);
  }
  return Number(text);
}
