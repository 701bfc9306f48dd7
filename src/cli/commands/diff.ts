import type { Command } from '../args/command.js';
import { UsageError } from '../../errors.js';
import type { MemberStore } from '../../artifact/member-store.js';
import { collectLimit, limitsHelp } from '../limits-option.js';
import { rateOptions, withDeadline, withNetworkOptions, type NetworkOptions } from '../network-options.js';
import { openStoreWith } from '../../node/open.js';
import { EXIT_BAD_ARTIFACT } from '../errors.js';
import { printJson } from '../common.js';
import { concerning } from '../conventions.js';
import { renderDiff } from '../render/diff-text.js';
import { writeOut } from '../stdout.js';

const FAIL_ON = ['breaking', 'compatible', 'any'] as const;
type FailOn = (typeof FAIL_ON)[number];

interface DiffCliOptions extends NetworkOptions {
  json?: boolean;
  content?: boolean;
  failOn?: string;
  limit?: Record<string, number>;
}

export function registerDiff(program: Command): void {
  withNetworkOptions(
    program
      .command('diff')
      .description('what changed from OLD to NEW, each change breaking, compatible or info (docs/diff.md); exit 1 only with --fail-on')
      .argument('<old>', 'the artifact before: a file, a directory, or an http(s) URL (read by range)')
      .argument('<new>', 'the artifact after, the same ways')
      .option('--fail-on <kind>', 'exit 1 when a change of this kind or a more severe one is found: breaking, compatible or any')
      .option('--content', 'also compare the bytes of members whose sizes agree (reads and hashes them)')
      .option('--json', 'print {old, new, content, counts, changes: [{path, kind, before, after, rule}], warnings}')
      .option('--limit <name=value>', limitsHelp(), collectLimit),
  ).action(async (before: string, after: string, opts: DiffCliOptions) => {
    const failOn = parseFailOn(opts.failOn);
    const { diffArtifacts, onSide, tripsFailOn } = await import('../../diff/diff.js');
    // Each side's failure starts "old artifact: " or "new artifact: " (diff.ts): its error line names that side's file.
    concerning(undefined);
    const report = await withDeadline(opts, async (signal) => {
      const open = (target: string, side: 'old' | 'new') =>
        onSide(side, openStoreWith(target, { limits: opts.limit, remote: rateOptions(opts), signal, blocking: true }));
      const named = (e: unknown): never => {
        const side = e instanceof Error ? /^(old|new) artifact: /.exec(e.message)?.[1] : undefined;
        concerning(side === 'old' ? before : side === 'new' ? after : undefined);
        throw e;
      };
      const stores: MemberStore[] = [];
      try {
        // One at a time: a second side that fails to open still leaves the first to be closed.
        stores.push(await open(before, 'old').catch(named));
        stores.push(await open(after, 'new').catch(named));
        const hasher = opts.content ? (await import('../../node/crypto-hasher.js')).cryptoHasher : undefined;
        return await diffArtifacts(stores[0]!, stores[1]!, { content: opts.content, hasher, limits: opts.limit, signal }).catch(named);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });
    if (opts.json) await printJson(report);
    else await writeOut(renderDiff(report));
    if (failOn && tripsFailOn(report, failOn)) process.exitCode = EXIT_BAD_ARTIFACT;
  });
}

function parseFailOn(text: string | undefined): FailOn | undefined {
  if (text === undefined) return undefined;
  if (!(FAIL_ON as readonly string[]).includes(text)) {
    throw new UsageError('BAD_OPTION', `--fail-on takes breaking, compatible or any, not "${text}"`);
  }
  return text as FailOn;
}
