import type { Command } from '../args/command.js';
import { UsageError } from '../../errors.js';
import { progressBar } from '../progress.js';
import { interruptSignal } from '../interrupt.js';
import { writeErr, writeOut } from '../stdout.js';
import { collectRepeated } from '../common.js';
import { collectLimit, limitsHelp } from '../limits-option.js';
import { line } from '../../safety/printable.js';
import type { Diagnostic } from '../../validate/diagnostics.js';
import { renderFindingLines } from '../render/validate-text.js';
import { jsonText } from '../render/json-text.js';

interface PackOptions {
  output: string;
  json?: boolean;
  quiet?: boolean;
  exclude?: string[];
  defaultExcludes: boolean;
  /** false with --no-check. */
  check: boolean;
  limit?: Record<string, number>;
}

export function registerPack(program: Command): void {
  program
    .command('pack')
    .description('build a tar artifact from the directory form: deterministic bytes, manifest.json first; prints the upload descriptor')
    .argument('<directory>', 'an artifact in directory form (manifest.json, ops.json, … at its root)')
    .requiredOption(
      '-o, --output <file>',
      'the artifact file to write (e.g. model.fnnx), written atomically; "-" streams the tar to stdout (the descriptor then goes to stderr)',
    )
    .option('--json', 'print the upload descriptor as JSON')
    .option('-q, --quiet', 'no progress bar')
    .option(
      '--exclude <glob>',
      'leave out matching paths, repeatable, .gitignore-style: "*.log", ".venv/", "data/raw/**" (as do the lines of a .fnnxignore at the folder\'s root; the output file is never packed)',
      collectRepeated,
    )
    .option(
      '--no-default-excludes',
      'also pack __pycache__/, *.pyc, .git/, .hg/, .svn/, .DS_Store, Thumbs.db, desktop.ini, *.swp and *~ (left out by default)',
    )
    .option('--limit <name=value>', limitsHelp(), collectLimit)
    .option('--no-check', 'skip validating the result before writing it (pack refuses, by default, what `validate` would call an error)')
    .action(async (dir: string, opts: PackOptions) => {
      // Loaded when run, not when the CLI starts: startup is paid by every command.
      const { artifactInputFromDirWith, refuseInvalidPack } = await import('../../node/pack-dir.js');
      const { packToFileWith } = await import('../../node/pack.js');
      const { bodySize } = await import('../../artifact/member-input.js');
      const { buildArtifact } = await import('../../build/builder.js');
      const { cryptoHasher } = await import('../../node/crypto-hasher.js');
      if (!opts.output) throw new UsageError('NO_OUTPUT', 'give the output file with -o');
      // Into a file: read, hash and write on this one thread, which wins on a busy machine (and
      // the CLI has nothing else to run); to stdout the chunks must outlive the write, so not there.
      const blocking = opts.output !== '-';
      // Before reading the folder: an output that cannot be written (a FIFO, a device) costs nothing.
      if (blocking) await (await import('../../node/output-file.js')).refuseSpecialOutput(opts.output);
      const leftOut: string[] = [];
      const input = await artifactInputFromDirWith(dir, {
        output: opts.output,
        exclude: opts.exclude,
        defaultExcludes: opts.defaultExcludes,
        blocking,
        maxMembers: opts.limit?.maxMembers,
        onExcluded: (path, isDirectory) => leftOut.push(isDirectory ? `${path}/` : path),
      });
      let findings: Diagnostic[] = [];
      if (opts.check) findings = await refuseInvalidPack(input, dir, opts.limit);
      else await writeErr('fnnx-kit: warning: --no-check: the result is not validated; run `fnnx-kit validate` on it before uploading\n');
      const total = (input.files ?? []).reduce((n, f) => n + bodySize(f.body), 0);
      const bar = opts.quiet ? undefined : progressBar('pack', total);
      let result;
      try {
        const onProgress = (n: number) => bar?.update(n);
        result =
          opts.output === '-'
            ? await buildArtifact(input, writeOut, {
                fileName: 'artifact.fnnx',
                hasher: cryptoHasher,
                onProgress,
                signal: interruptSignal,
              })
            : await packToFileWith(input, opts.output, { onProgress, blocking, signal: interruptSignal });
      } finally {
        bar?.finish();
      }
      const d = result.descriptor;
      // With -o -, stdout carries the artifact: the report goes to stderr.
      const report = opts.output === '-' ? writeErr : writeOut;
      if (opts.json) await report(`${jsonText(d)}\n`);
      else
        await report(
          line`wrote ${opts.output === '-' ? 'stdout' : opts.output}: ${d.size} bytes, ${Object.keys(d.file_index).length} members, sha256 ${d.file_hash}\n`,
        );
      await writeErr(renderFindingLines(findings, dir));
      if (leftOut.length) await writeErr(leftOutLine(leftOut));
    });
}

/** How much the excludes left out, naming the first few, so a user sees what did not go in. */
function leftOutLine(paths: readonly string[]): string {
  const sorted = [...paths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const shown = sorted.slice(0, 5).join(', ');
  const more = paths.length > 5 ? `, … (${paths.length} in all)` : '';
  return line`left out ${paths.length} path(s): ${shown}${more}` + ' (default excludes, .fnnxignore, --exclude)\n';
}
