import type { Command } from '../args/command.js';
import { UsageError } from '../../errors.js';
import { eachTarget, loadIndex, printJson, withSourceOptions, type SourceOptions } from '../common.js';
import { EXIT_BAD_ARTIFACT } from '../errors.js';
import { renderValidation } from '../render/validate-text.js';
import { rateOptions, withDeadline } from '../network-options.js';
import { writeOut } from '../stdout.js';

interface ValidateCliOptions extends SourceOptions {
  json?: boolean;
  strict?: boolean;
  forUpload?: boolean;
  maxSize?: string;
  run?: boolean;
  dim?: Record<string, number>;
}

export function registerValidate(program: Command): void {
  withSourceOptions(
    program
      .command('validate')
      .description('check an artifact against every rule of the format; exit 0 sound (warnings allowed), 1 broken, 2 could not read')
      .argument('<artifact...>', 'a .fnnx/.pyfnx/.dfs/.luml file, a directory, or an http(s) URL; several are checked one after another')
      .option('--json', 'print {target, valid, strict, counts, diagnostics: [{code, severity, message, member, pointer}]}')
      .option('--strict', 'warnings count as errors (unsupported variant/op/env kind, legacy metadata, ...)')
      .option('--for-upload', "also apply the registry's upload rules: extension, size limit, a plain tar file")
      .option('--max-size <bytes>', 'upload size limit for --for-upload (default 5368709120)')
      .option(
        '--run',
        'also load every ONNX_v1 op in ONNX Runtime and run the pipeline once on synthetic inputs (needs onnxruntime-node; --timeout bounds it, --limit maxRunModel the model size)',
      )
      .option(
        '--dim <name=value>',
        'with --run: the extent of a symbolic dimension in the synthetic inputs (default 1), repeatable',
        collectDim,
      ),
  ).action(async (targets: string[], opts: ValidateCliOptions) => {
    // Loaded when run: the validator and its compiled schemas are the CLI's heaviest modules.
    if (opts.dim && !opts.run) throw new UsageError('BAD_OPTION', '--dim sets the synthetic inputs of --run: give --run too');
    const { validateTargetWith } = await import('../../node/validate.js');
    const index = await loadIndex(opts.index);
    const validateOne = (target: string) =>
      withDeadline(opts, (signal) =>
        validateTargetWith(target, {
          strict: opts.strict,
          forUpload: opts.forUpload,
          maxSize: parseSize(opts.maxSize),
          index,
          limits: opts.limit,
          remote: rateOptions(opts),
          signal,
          blocking: true,
          // --timeout bounds the whole command: the runtime gets what reading left of it, and is
          // stopped with a finding (RUN_TIMEOUT) a moment before the deadline would end the command.
          run: opts.run && {
            dims: opts.dim,
            maxRunModel: opts.limit?.maxRunModel,
            timeoutMs: opts.timeout === undefined ? undefined : runBudget(Number(opts.timeout) * 1000),
          },
        }),
      );
    if (targets.length === 1) {
      const report = await validateOne(targets[0]!);
      if (opts.json) await printJson(report);
      else await writeOut(renderValidation(report));
      if (!report.valid) process.exitCode = EXIT_BAD_ARTIFACT;
      return;
    }
    await eachTarget(targets, opts.json === true, async (target) => {
      const report = await validateOne(target);
      if (!opts.json) await writeOut(renderValidation(report));
      return { result: report, exit: report.valid ? 0 : EXIT_BAD_ARTIFACT };
    });
  });
}

/** The runtime's share of --timeout: it stops first, so its finding is reported before the deadline ends the command. */
function runBudget(timeoutMs: number): number {
  return Math.max(1, timeoutMs - Math.min(1000, timeoutMs / 10));
}

/** Commander collector for `--dim name=value`: a symbolic dimension's extent, a positive whole number. */
function collectDim(text: string, previous: Record<string, number> = {}): Record<string, number> {
  const m = /^(.+)=([0-9]+)$/.exec(text);
  const value = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(value) || value < 1) {
    throw new UsageError('BAD_OPTION', `--dim takes name=value with a whole number of at least 1, not "${text}"`, {
      hint: 'e.g. --dim batch=4',
    });
  }
  return { ...previous, [m[1]!]: value };
}

function parseSize(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new UsageError('BAD_OPTION', `--max-size takes a whole number of bytes, not "${text}"`);
  }
  return Number(text);
}
