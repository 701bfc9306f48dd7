import type { Command } from '../args/command.js';
import { DirStore } from '../../node/dir-store.js';
import { directoryGiven } from '../../node/open.js';
import { openFromCli, printIndex, withSourceOptions, type SourceOptions } from '../common.js';
import { withDeadline } from '../network-options.js';

export function registerIndex(program: Command): void {
  withSourceOptions(
    program
      .command('index')
      .description("print the registry's file_index: member path -> [data_offset, size], regular files, last occurrence wins")
      .argument('<artifact>', 'a .fnnx/.pyfnx/.dfs/.luml file, a directory, or an http(s) URL'),
  ).action(async (target: string, opts: SourceOptions) => {
    await withDeadline(opts, async (signal) => {
      const store = await openFromCli(target, opts, signal);
      try {
        if (store instanceof DirStore) throw directoryGiven(target);
        await printIndex(await store.fileIndex(signal));
      } finally {
        await store.close();
      }
    });
  });
}
