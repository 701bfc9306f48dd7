import type { Command } from 'commander';
import { DEFAULT_MAX_UPLOAD_SIZE } from '../../describe/upload-rules.js';
import { UsageError } from '../../errors.js';
import { printJson } from '../common.js';
import { collectLimit, limitsHelp } from '../limits-option.js';
import { progressBar, type Progress } from '../progress.js';

interface DescribeOptions {
  maxSize: string;
  quiet?: boolean;
  limit?: Record<string, number>;
}

export function parseByteCount(text: string, option: string): number {
  const n = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(n)) throw new UsageError('BAD_OPTION', `${option} must be a whole number of bytes, not "${text}"`);
  return n;
}

export function registerDescribe(program: Command): void {
  program
    .command('describe')
    .description("the registry's upload descriptor {file_name, file_hash, size, file_index, manifest, metrics}, in one pass over the file")
    .argument('<artifact>', 'a .fnnx/.pyfnx/.dfs/.luml tar file or an http(s) URL')
    .option('--max-size <bytes>', "refuse files larger than this (the registry's upload limit)", String(DEFAULT_MAX_UPLOAD_SIZE))
    .option('-q, --quiet', 'no progress bar')
    .option('--limit <name=value>', limitsHelp(), collectLimit)
    .action(async (target: string, opts: DescribeOptions) => {
      // Loaded when run, not when the CLI starts: startup is paid by every command.
      const { describeFile } = await import('../../node/describe-file.js');
      let bar: Progress | undefined;
      let result;
      try {
        result = await describeFile(target, {
          maxSize: parseByteCount(opts.maxSize, '--max-size'),
          limits: opts.limit,
          onStart: (size) => (bar = opts.quiet ? undefined : progressBar('describe', size)),
          onProgress: (n) => bar?.update(n),
          // The CLI has nothing else to run: the pass on this thread saves the worker's start-up.
          worker: false,
        });
      } finally {
        bar?.finish();
      }
      for (const w of result.warnings) process.stderr.write(`fnnx-kit: warning: ${w.member ? `${w.member}: ` : ''}${w.message}\n`);
      printJson(result.descriptor);
    });
}
