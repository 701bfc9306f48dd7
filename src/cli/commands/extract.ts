import { stat } from 'node:fs/promises';
import type { Command } from '../args/command.js';
import { UsageError } from '../../errors.js';
import { isUrl, openSource } from '../../node/open.js';
import { BlockCache } from '../../source/block-cache.js';
import { EXIT_BAD_ARTIFACT, formatError } from '../errors.js';
import { printJson } from '../common.js';
import { line } from '../../safety/printable.js';
import { collectLimit, limitsHelp } from '../limits-option.js';
import { progressBar, reportingReads } from '../progress.js';
import { interruptSignal } from '../interrupt.js';
import { TEXT_LIST_MAX } from '../render/table.js';
import { writeErr, writeOut } from '../stdout.js';

interface ExtractCliOptions {
  directory: string;
  limit?: Record<string, number>;
  json?: boolean;
  quiet?: boolean;
}

export function registerExtract(program: Command): void {
  program
    .command('extract')
    .description('safely extract a tar artifact into a directory (the directory form): never writes outside it, never creates links')
    .argument('<artifact>', 'a .fnnx/.pyfnx/.dfs/.luml file or an http(s) URL')
    .requiredOption('-C, --directory <dir>', 'the directory to extract into (created if missing)')
    .option('--limit <name=value>', limitsHelp(), collectLimit)
    .option('--json', 'print {directory, files, directories, bytes, refused: [{member, code, message}]}')
    .action(async (target: string, opts: ExtractCliOptions) => {
      if (!isUrl(target) && (await stat(target).catch(() => undefined))?.isDirectory()) {
        throw new UsageError('IS_A_DIRECTORY', `${target} is a directory: it already is the directory form`);
      }
      const raw = await openSource(target);
      const bar = progressBar('extract', raw.byteLength, { quiet: opts.quiet });
      const source = new BlockCache(reportingReads(raw, (n) => bar.update(n)));
      try {
        const { extractTar } = await import('../../node/extract.js');
        const result = await extractTar(source, opts.directory, { limits: opts.limit, signal: interruptSignal }).finally(() =>
          bar.finish(),
        );
        if (opts.json) {
          const refused = result.refused.map((e) => ({ member: e.member, code: e.code, message: e.message }));
          await printJson({
            directory: opts.directory,
            files: result.files,
            directories: result.directories,
            bytes: result.bytes,
            refused,
          });
          if (refused.length > 0) process.exitCode = EXIT_BAD_ARTIFACT;
          return;
        }
        await writeOut(
          line`extracted ${result.files.length} files and ${result.directories.length} directories (${result.bytes} bytes) to ${opts.directory}\n`,
        );
        if (result.refused.length > 0) {
          const shown = result.refused.slice(0, TEXT_LIST_MAX);
          for (const e of shown) await writeErr(formatError(e).split('\n')[0] + '\n');
          await writeErr(
            `  hint: ${result.refused.length} member(s) refused and not written${shown.length < result.refused.length ? ` (the first ${shown.length} listed; use --json for all)` : ''}; FNNX artifacts hold only regular files and directories at relative paths\n`,
          );
          process.exitCode = EXIT_BAD_ARTIFACT;
        }
      } finally {
        await source.close();
      }
    });
}
