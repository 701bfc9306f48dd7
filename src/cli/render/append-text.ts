import type { AppendResult } from '../../node/append-file.js';
import { line } from '../../safety/printable.js';
import { shortList } from './table.js';
import { writeErr, writeOut } from '../stdout.js';
import { jsonText } from './json-text.js';
import { snakeCaseKeys } from './json-keys.js';

/**
 * What an append did, and the one thing a user must not miss: the file's hash and size have
 * changed, so a descriptor made before no longer matches.
 */
export async function printAppendResult(result: AppendResult, json: boolean): Promise<void> {
  const note =
    'the file changed: its SHA-256, size and file_index differ from any earlier descriptor; run `fnnx-kit describe` again before uploading';
  if (json) {
    await writeOut(`${jsonText({ ...snakeCaseKeys(result), descriptor_changed: true, note })}\n`);
    return;
  }
  const where = result.appendedAt === undefined ? '' : ` at offset ${result.appendedAt} (size now ${result.size} bytes)`;
  await writeOut(line`appended ${result.members.length} member(s) to ${result.target}` + `${where}:\n`);
  await writeOut(shortList(result.members.map((m) => line`${m}`)));
  await writeErr(`note: ${note}\n`);
}
