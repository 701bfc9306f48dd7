import type { Command } from '../args/command.js';
import { readArtifact } from '../../artifact/reader.js';
import { inspectReport } from '../../artifact/report.js';
import { openFromCli, printJson, withSourceOptions, type SourceOptions } from '../common.js';
import { renderInspect } from '../render/inspect-text.js';
import { withDeadline } from '../network-options.js';
import { writeOut } from '../stdout.js';

export function registerInspect(program: Command): void {
  withSourceOptions(
    program
      .command('inspect')
      .description('summarise an artifact: manifest, IO, ops, metadata, metrics, members (reads only what it needs)')
      .argument('<artifact>', 'a .fnnx/.pyfnx/.dfs/.luml file, a directory, or an http(s) URL')
      .option('--json', 'print a JSON object instead of the summary'),
  ).action(async (target: string, opts: SourceOptions & { json?: boolean }) => {
    await withDeadline(opts, async (signal) => {
      const store = await openFromCli(target, opts, signal);
      try {
        const contents = await readArtifact(store, { limits: opts.limit, signal });
        if (opts.json) await printJson(inspectReport(contents, store.label));
        else await writeOut(renderInspect(contents, store.label));
      } finally {
        await store.close();
      }
    });
  });
}
