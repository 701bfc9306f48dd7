/** Rules on the member list itself: safe paths, no links or devices, repeated names, order. */
import { KIND_WORDS, type MemberInfo } from '../artifact/member-store.js';
import { MANIFEST } from '../artifact/root-files.js';
import { checkMemberPath } from '../safety/member-path.js';
import type { TarEntry } from '../tar/entry.js';
import { diag, type Diagnostic } from './diagnostics.js';

const LINKS = new Set(['symlink', 'hardlink']);

export function memberRules(members: readonly MemberInfo[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const m of members) {
    const at = { member: m.name, pointer: '' };
    const problem = checkMemberPath(m.name);
    if (problem) out.push(diag(problem.code, 'error', `${problem.message}; readers must ignore it and never write it to disk`, at));
    if (LINKS.has(m.kind)) out.push(diag('MEMBER_LINK', 'error', `is ${KIND_WORDS[m.kind]}: artifacts hold no links`, at));
    else if (m.kind !== 'file' && m.kind !== 'directory') {
      out.push(diag('MEMBER_SPECIAL', 'error', `is ${KIND_WORDS[m.kind]}: artifacts hold only regular files and directories`, at));
    }
  }
  return out;
}

/**
 * What only the raw tar entries show: names that repeat (last occurrence wins, which is allowed,
 * so this is advice) and a manifest.json that is not the first member.
 */
export function tarEntryRules(entries: readonly TarEntry[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, number>();
  for (const e of entries) seen.set(e.name, (seen.get(e.name) ?? 0) + 1);
  for (const [name, count] of seen) {
    if (count > 1) {
      out.push(
        diag('MEMBER_REPEATED', 'info', `appears ${count} times; the last occurrence is the one that counts`, {
          member: name,
          pointer: '',
        }),
      );
    }
  }
  const firstFile = entries.find((e) => e.kind === 'file');
  if (firstFile && firstFile.name !== MANIFEST && seen.has(MANIFEST)) {
    out.push(
      diag(
        'MANIFEST_NOT_FIRST',
        'info',
        `manifest.json should be the first member (the first is "${firstFile.name}"), so one read of the head finds it`,
        {
          member: MANIFEST,
          pointer: '',
        },
      ),
    );
  }
  return out;
}
