import type { Command } from '../args/command.js';
import type { Code } from '../../codes.js';
import { DEFAULT_MAX_UPLOAD_SIZE } from '../../artifact/upload-rules.js';
import { UsageError } from '../../errors.js';
import { REGISTRY_APIS, registryPayload, type RegistryApi } from '../../describe/registry-payload.js';
import { printJson } from '../common.js';
import { collectLimit, limitsHelp } from '../limits-option.js';
import { progressBar, type Progress } from '../progress.js';
import { line } from '../../safety/printable.js';
import { TEXT_LIST_MAX } from '../render/table.js';
import { writeErr } from '../stdout.js';

interface DescribeOptions {
  maxSize: string;
  api: string;
  quiet?: boolean;
  limit?: Record<string, number>;
}

export function parseByteCount(text: string, option: string): number {
  const n = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(n))
    throw new UsageError('BAD_OPTION', `${option} must be a whole number of bytes, not "${text}"`);
  return n;
}

export function registerDescribe(program: Command): void {
  program
    .command('describe')
    .description("the registry's upload descriptor {file_name, file_hash, size, file_index, manifest, metrics}, in one pass over the file")
    .argument('<artifact>', 'a .fnnx/.pyfnx/.dfs/.luml tar file or an http(s) URL')
    .option('--max-size <bytes>', "refuse files larger than this (the registry's upload limit)", String(DEFAULT_MAX_UPLOAD_SIZE))
    .option(
      '--api <generation>',
      'the registry API the JSON is for: models (model_artifacts.create: metrics) or artifacts (artifacts.create: extra_values, type "model")',
      'models',
    )
    .option('-q, --quiet', 'no progress bar')
    .option('--limit <name=value>', limitsHelp(), collectLimit)
    .action(async (target: string, opts: DescribeOptions) => {
      if (!(REGISTRY_APIS as readonly string[]).includes(opts.api)) {
        throw new UsageError('BAD_OPTION', `--api must be one of ${REGISTRY_APIS.join(', ')}, not "${opts.api}"`);
      }
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
      const shown = result.warnings.slice(0, TEXT_LIST_MAX);
      for (const w of shown) await writeErr(line`fnnx-kit: warning: ${w.member ? `${w.member}: ` : ''}${w.message}` + ` (${w.code})\n`);
      const rest = result.warnings.length - shown.length;
      const omitted: Code = 'WARNINGS_OMITTED';
      if (rest > 0) await writeErr(`fnnx-kit: warning: ${rest} more warning(s) not shown; \`inspect --json\` lists them (${omitted})\n`);
      await printJson(registryPayload(result.descriptor, opts.api as RegistryApi));
    });
}
