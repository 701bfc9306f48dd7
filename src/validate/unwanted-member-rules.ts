/** Members that are version-control, operating-system or editor data (src/safety/unwanted-files.ts). */
import type { MemberInfo } from '../artifact/member-store.js';
import { unwantedReason } from '../safety/unwanted-files.js';
import { diag, FindingList, type Diagnostic } from './diagnostics.js';

export function unwantedMemberRules(members: readonly MemberInfo[]): Diagnostic[] {
  const out = new FindingList();
  for (const m of members) {
    if (m.kind !== 'file') continue;
    const why = unwantedReason(m.name);
    if (why !== undefined) {
      out.push(
        diag('UNWANTED_MEMBER', 'warning', `${why}: not model data; pack leaves it out by default`, { member: m.name, pointer: '' }),
      );
    }
  }
  return out.list();
}
