/**
 * What to do about an error whose thrower gave no hint of its own: one line per code, so every
 * error the CLI prints ends with a `hint:` line (the README promises one). A thrower's own hint,
 * which knows the file and the value, always wins.
 */
import type { Code, ErrorKind } from '../codes.js';

const VALIDATE = 'run `fnnx-kit validate` on it to see every finding';

const BY_CODE: Partial<Record<Code, string>> = {
  ROOT_FILE_MISSING: 'an artifact needs manifest.json, ops.json and variant_config.json at its root; `fnnx-kit new` writes them',
  ROOT_FILE_TYPE: 'meta.json and ops.json hold JSON arrays, the other root files objects; fix the file and pack again',
  JSON_INVALID: 'fix the JSON (python3 -m json.tool FILE shows where it breaks) and run again',
  NOT_A_TAR: 'an artifact is a plain tar file; `fnnx-kit pack` makes one from its folder',
  COMPRESSED: 'decompress it first (gunzip, zstd -d): the registry takes plain tar only',
  EMPTY_ARCHIVE: 'the file holds no members: pack the artifact again',
  TRUNCATED_HEADER: 'the file is cut short (an interrupted copy or download?): fetch or pack it again',
  TRUNCATED_DATA: 'the file is cut short (an interrupted copy or download?): fetch or pack it again',
  BAD_CHECKSUM: 'the file is damaged: fetch or pack it again',
  BAD_NUMBER: 'the file is damaged or not written by a tar writer: fetch or pack it again',
  BAD_PAX: 'the file is damaged or not written by a tar writer: fetch or pack it again',
  BAD_INDEX: 'the file_index does not fit this file: run `fnnx-kit describe` on the file for its own',
  TRAILING_BYTES: 'rerun with --drop-trailing to drop the bytes after the end blocks',
  NO_SUCH_MEMBER: '`fnnx-kit inspect FILE` lists the members',
  NO_SUCH_ZIP_ENTRY: '`fnnx-kit card show FILE` shows the card; its assets keep the names card add gave them',
  MEMBER_EXISTS: 'rename one of the files: every member name appears once',
  UNSUPPORTED_MEMBER: 'replace links and special files in the folder with regular files, or leave them out with --exclude',
  PATCH_INVALID: 'a patch is an RFC 6902 array of {"op": "add" | "replace", "path", "value"}',
  PATCH_OP_NOT_ALLOWED: 'only "add" and "replace" are allowed: the format never removes from a manifest',
  PATCH_NOT_APPLICABLE: 'the path must exist for "replace" and its parent for "add"; `fnnx-kit inspect --json` shows the manifest',
  PATCH_RESULT_INVALID: VALIDATE,
  ONNX_MALFORMED: 'check the model with onnx.checker.check_model, or export it again',
  ONNX_EXTERNAL_DATA_MISSING: 'put the external data file beside the model (the name the model gives), whole',
  ONNX_EXTERNAL_DATA_OUTSIDE: "keep external data inside the op's folder; save the model again with a relative location",
  META_ENTRY_NOT_OBJECT: 'each entry is {"id", "producer", "producer_version", "producer_tags", "payload"}',
  META_ENTRY_INCOMPLETE: 'each entry is {"id", "producer", "producer_version", "producer_tags", "payload"}',
  META_ID_UNSAFE: 'use an id without "/" or "\\\\" that is not "." or ".."',
  NO_ENTRIES: 'give one entry object or a non-empty array',
  NO_MODEL_CARD: 'add one with `fnnx-kit card add FILE card.html`',
  CARD_WITHOUT_INDEX: 'add the card again with `fnnx-kit card add`: it names the page index.html',
  BAD_ZIP: 'add the card again with `fnnx-kit card add`',
  UPLOAD_EXTENSION: 'name the file .fnnx, .pyfnx, .dfs or .luml',
  UPLOAD_TOO_LARGE: 'the registry refuses files this large; raise --max-size only if your registry allows it',
  UPLOAD_NOT_TAR: 'pack the folder into one file with `fnnx-kit pack` and upload that',
  IS_A_DIRECTORY: 'give the packed file, or pack the folder first with `fnnx-kit pack`',
  SIZE_MISMATCH: 'the copy is not the one described: download it again, or check that the descriptor is for this file',
  HASH_MISMATCH: 'the copy is not the one described: download it again, or check that the descriptor is for this file',
  INDEX_MISMATCH: 'the copy is not the one described: download it again, or check that the descriptor is for this file',
  VERIFY_MISMATCH: 'the file is not the one described; `fnnx-kit describe FILE` prints what it is',
  NOTHING_TO_VERIFY: 'give --descriptor FILE, or --sha256/--size/--md5',
  BAD_DESCRIPTOR: '`fnnx-kit describe FILE > descriptor.json` writes one',
  LOCKED: 'another fnnx-kit is writing this file: wait for it and run again',
  TARGET_CHANGED: 'something else wrote the file meanwhile; nothing of ours was written: run again',
  UPLOAD_DETAILS_INVALID: 'see the README, "Upload details", for the three shapes the registry answers',
  UPLOAD_NO_ETAG: "the storage (or a proxy) hides ETag: expose it in the bucket's CORS or proxy settings",
  UPLOAD_ETAG_MISMATCH: 'the storage holds other bytes than were sent: run the upload again',
  UPLOAD_COMPLETE_FAILED: 'run the upload again: parts already sent and proven are not sent again',
  UPLOAD_PROTOCOL: 'the URL does not lead to a storage server that speaks S3 or Azure: check the upload details',
  NO_OUTPUT: 'e.g. -o model.fnnx ("-o -" writes to stdout where the command allows it)',
  BAD_LIMIT: 'a limit is name=value with an optional unit, e.g. --limit maxJsonMember=128MiB; `fnnx-kit validate --help` lists the names',
  NOT_A_URL: 'give an http:// or https:// URL',
  DIR_NOT_EMPTY: 'give an empty or new folder, or --force to write into this one',
  UNSUPPORTED_SCHEME: 'give an http:// or https:// URL, or a local path',
  NOT_A_FILE: 'give a regular file (not a folder, link, FIFO or device)',
  IO_ERROR: 'check the disk and the path, then run again',
  SHORT_READ: 'the file changed or shrank while being read: run again when nothing writes it',
  SIZE_CHANGED: 'a file changed while being packed: run again when nothing writes it',
  SOURCE_CHANGED: 'the file changed while being read: run again when nothing writes it',
  HTTP_STATUS: 'check the URL (a presigned URL expires; get a fresh one)',
  BAD_RANGE_REPLY: 'the server (or a proxy before it) mangles range requests: try another URL or download the file',
  RANGE_NOT_SUPPORTED: 'the server ignores Range: download the file first, then run on the copy',
  NETWORK_ERROR: 'check the host name, the port and the network (the request was already retried)',
  TIMEOUT: 'the server stopped answering: try again, or raise --timeout on a slow link',
  TOO_SLOW: 'on a slow but honest link lower --speed-limit or raise --speed-time',
  ABORTED: 'the work was cancelled; run again to finish it',
  NOT_FOUND: 'check the path',
  NO_SPACE: 'free space on the disk (or raise the quota), then run again',
  PERMISSION_DENIED: 'check the permissions of the file and its folder',
  READ_ONLY_FS: 'write to a folder on a writable file system',
  ALREADY_EXISTS: 'remove the file or choose another name',
  TOO_MANY_OPEN_FILES: 'raise the open-file limit (ulimit -n) or close other programs',
  LINK_REFUSED: 'give the real path, not a link to it: fnnx-kit never writes through a link it did not make',
};

const BY_KIND: Record<ErrorKind, string> = {
  artifact: VALIDATE,
  usage: 'run the command with --help to see what it takes',
  io: 'check the path, the disk and the network, then run again',
};

/** The hint the CLI prints for an error without its own. */
export function defaultHint(code: string, kind: ErrorKind): string {
  return (Object.hasOwn(BY_CODE, code) ? BY_CODE[code as Code] : undefined) ?? BY_KIND[kind];
}
