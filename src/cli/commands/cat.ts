import type { Command } from '../args/command.js';
import { openFromCli, withSourceOptions, type SourceOptions } from '../common.js';
import { writeOut } from '../stdout.js';
import { withDeadline } from '../network-options.js';

export function registerCat(program: Command): void {
  withSourceOptions(
    program
      .command('cat')
      .description("write one member's raw bytes to stdout (streamed; works on multi-gigabyte members)")
      .argument('<artifact>', 'a .fnnx/.pyfnx/.dfs/.luml file, a directory, or an http(s) URL')
      .argument('<member>', 'member path, e.g. ops_artifacts/main/model.onnx'),
  ).action(async (target: string, member: string, opts: SourceOptions) => {
    await withDeadline(opts, async (signal) => {
      const store = await openFromCli(target, opts, signal);
      try {
        for await (const chunk of store.stream(member, { signal })) await writeOut(chunk);
      } finally {
        await store.close();
      }
    });
  });
}
