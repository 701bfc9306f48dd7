/**
 * Model cards (`meta_artifacts/<id>/model_card.zip`), opened with the zip reader and limits
 * `card show` uses. Every card's directory is read and checked (not a zip, empty, too many
 * entries or bytes, unsafe or repeated names, overlapping entries, no index.html); the newest card,
 * the one `card show` and the registry's page show, is also inflated whole (CRC-32, declared
 * sizes, deflate bombs). Older cards are not inflated: they are never shown, and inflating each
 * would let many small bombs cost `maxZipUncompressed` apiece.
 */
import { CARD_PAGE, isModelCard, newestCard, openCard } from '../artifact/model-card.js';
import { artifactCodeOf } from '../codes.js';
import { FnnxError } from '../errors.js';
import type { ZipLimits } from '../safety/zip-limits.js';
import type { RuleContext } from './context.js';
import { diag, type Diagnostic } from './diagnostics.js';

export async function cardRules(ctx: RuleContext, limits: Partial<ZipLimits>): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  const newest = newestCard(ctx.members);
  for (const card of ctx.members.filter(isModelCard)) {
    const at = { member: card.name, pointer: '' };
    // A store that cannot hand out ranges (a planned card given as a plain stream) is not opened.
    const range = await ctx.memberRange(card.name);
    if (!range) continue;
    try {
      const zip = await openCard(range, card.name, { limits, signal: ctx.signal });
      if (!zip.find(CARD_PAGE)) out.push(diag('CARD_WITHOUT_INDEX', 'error', 'model card zip has no index.html', at));
      if (card === newest) await zip.check({ signal: ctx.signal });
    } catch (e) {
      if (!(e instanceof FnnxError)) throw e;
      const code = artifactCodeOf(e);
      if (!code) throw e;
      // Over a limit, the hint says which one to raise.
      out.push(diag(code, 'error', e.hint ? `${e.message}; ${e.hint}` : e.message, at));
    } finally {
      await range.close?.();
    }
  }
  return out;
}
