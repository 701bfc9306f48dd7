/**
 * Every code the kit can report, in one table: one code per fact, whether it is thrown (FnnxError,
 * with the kinds it is thrown as: 'artifact' exits 1, 'usage'/'io' exit 2), reported by the
 * validator (Diagnostic) or noted by the reader (a skipped or tolerated part of an artifact).
 * A thrown 'artifact' code is also a diagnostic: validate reports what it cannot read as a finding.
 * To add a code: add one line here (tsc then accepts it in `new FnnxError` and `diag`).
 */
/** What a thrown error means: 'artifact' (the artifact is bad, exit 1), 'usage' or 'io' (exit 2). */
export type ErrorKind = 'artifact' | 'usage' | 'io';

interface CodeEntry {
  /** The kinds an FnnxError with this code is thrown as (empty: never thrown). */
  readonly error?: readonly ErrorKind[];
  /** Reported by validate as a Diagnostic (its severity is the rule's). */
  readonly diagnostic?: true;
  /** Noted in a reader's `warnings` (inspect, describe). */
  readonly warning?: true;
  /** One line: the fact the code states. */
  readonly about: string;
}

const A = ['artifact'] as const;
const U = ['usage'] as const;
const IO = ['io'] as const;
const AU = ['artifact', 'usage'] as const;

// prettier-ignore
export const CODES = {
  // Root files and JSON
  ROOT_FILE_MISSING: { error: A, diagnostic: true, about: 'a required root file (manifest.json, ops.json, variant_config.json) is missing' },
  ROOT_FILE_DEFAULTED: { diagnostic: true, about: 'a folder lacks a root file other than manifest.json; pack writes it empty, and validate checks the folder so filled in' },
  ROOT_FILE_OMITTED: { diagnostic: true, about: 'an optional root file is missing (readers treat it as empty; producers write all six)' },
  ROOT_FILE_TYPE: { error: A, diagnostic: true, warning: true, about: 'a root file holds the wrong JSON type (e.g. meta.json not an array)' },
  ROOT_FILE_AS_MEMBER: { error: U, about: 'a root file was given to the builder as an extra member instead of a root value' },
  JSON_INVALID: { error: AU, diagnostic: true, warning: true, about: 'a JSON member, or a JSON file the user gave, is not valid UTF-8 JSON' },
  LIMIT_EXCEEDED: { error: A, diagnostic: true, warning: true, about: 'a configured limit was exceeded (the error names the limit to raise)' },
  JSON_LONE_SURROGATE: { diagnostic: true, about: 'a JSON string or key holds a lone UTF-16 surrogate, which the registry\'s Python cannot encode' },
  // Tar container
  NOT_A_TAR: { error: A, diagnostic: true, about: 'the bytes are not a tar archive' },
  COMPRESSED: { error: A, diagnostic: true, about: 'the archive is compressed; FNNX artifacts are plain tar' },
  EMPTY_ARCHIVE: { error: A, diagnostic: true, about: 'the archive is empty or holds only zero blocks' },
  TRUNCATED_HEADER: { error: A, diagnostic: true, about: 'the archive ends inside a header' },
  TRUNCATED_DATA: { error: A, diagnostic: true, about: "a member's data runs past the end of the archive" },
  BAD_CHECKSUM: { error: A, diagnostic: true, about: 'a tar header has a bad checksum' },
  BAD_NUMBER: { error: A, diagnostic: true, about: 'a tar header number field is not a valid number' },
  BAD_PAX: { error: A, diagnostic: true, about: 'a PAX extended header is malformed' },
  BAD_INDEX: { error: A, diagnostic: true, about: 'a file_index entry is not a range inside the archive' },
  TAR_WARNING: { warning: true, about: 'the tar is readable but not tidy (e.g. no end-of-archive blocks)' },
  TRAILING_BYTES: { error: A, diagnostic: true, about: 'non-zero bytes follow the end-of-archive blocks: readers ignore them, the registry uploads and hashes them' },
  // Member names and kinds
  EMPTY_NAME: { error: AU, diagnostic: true, about: 'a member name is empty (or only "." and "/")' },
  NUL_IN_NAME: { error: AU, diagnostic: true, about: 'a member name contains a NUL byte' },
  ABSOLUTE_PATH: { error: AU, diagnostic: true, about: 'a member name is an absolute path' },
  PATH_TRAVERSAL: { error: AU, diagnostic: true, about: 'a member name has a ".." segment' },
  MEMBER_NAME_NOT_PLAIN: { error: U, about: 'a name to write has "\\", empty or "." segments, so it would not round-trip' },
  NAME_ENCODING: { error: A, about: 'a member name is not valid UTF-8 (not extracted)' },
  MEMBER_LINK: { error: A, diagnostic: true, about: 'a member is a symbolic or hard link; artifacts hold no links' },
  MEMBER_SPECIAL: { error: A, diagnostic: true, about: 'a member is neither a regular file, a directory nor a link (device, FIFO, unknown type)' },
  MEMBER_REPEATED: { diagnostic: true, about: 'a member name appears more than once; the last occurrence counts' },
  MEMBER_EXISTS: { error: U, about: 'a member of this name is already in what is being written' },
  MANIFEST_NOT_FIRST: { diagnostic: true, about: 'manifest.json is not the first member' },
  UNSUPPORTED_MEMBER: { error: U, about: 'the directory to pack holds a link or special file' },
  NO_SUCH_MEMBER: { error: U, about: 'the artifact has no regular file of the asked name' },
  NOT_CAPTURED: { error: U, about: 'the member was not kept while streaming (only root JSON files are)' },
  // Extraction
  LINK_IN_PATH: { error: A, about: "a member's path goes through a link or special file of the archive (not extracted)" },
  LINK_IN_TARGET: { error: A, about: 'the extraction target holds a symbolic link on the path (never followed)' },
  PATH_CONFLICT: { error: A, about: 'the extraction target holds something else at the path' },
  NOT_A_DIRECTORY: { error: ['usage', 'io'], about: 'the given path, or a part of it, is not a directory (ENOTDIR)' },
  BAD_TARGET: { error: U, about: 'the extraction directory cannot be used' },
  // Manifest, patches, dtypes
  MANIFEST_SCHEMA: { diagnostic: true, about: 'the manifest breaks the manifest schema' },
  IO_NAME_DUPLICATE: { diagnostic: true, about: 'an input or output name is declared more than once' },
  JSON_IO_SHAPE: { diagnostic: true, about: 'a JSON input or output declares a shape' },
  PATCH_INVALID: { error: A, diagnostic: true, about: 'a manifest patch is not an array of {op, path, value} operations' },
  PATCH_OP_NOT_ALLOWED: { error: A, diagnostic: true, about: 'a manifest patch uses an op other than "add" or "replace"' },
  PATCH_NOT_APPLICABLE: { error: A, diagnostic: true, about: 'a manifest patch cannot be applied' },
  PATCH_RESULT_INVALID: { error: A, diagnostic: true, about: 'the manifest after patching breaks a rule' },
  DTYPE_SYNTAX: { diagnostic: true, about: 'a dtype is not Array[...], NDContainer[...] or a dtype name' },
  DTYPE_ELEMENT_UNKNOWN: { diagnostic: true, about: "an Array dtype's element is not one of the six element types" },
  DTYPE_CONTAINER_OF_ARRAY: { diagnostic: true, about: "an NDContainer's inner dtype is an Array[...] form" },
  DTYPE_UNDEFINED: { diagnostic: true, about: 'a dtype name is not defined in dtypes.json' },
  DTYPE_JSON_NOT_CUSTOM: { diagnostic: true, about: "a JSON entry's dtype is not a custom dtype" },
  DTYPE_SCHEMA_INVALID: { diagnostic: true, about: "a custom dtype's schema is not valid" },
  DTYPE_NAME_BRACKET: { diagnostic: true, about: 'a custom dtype name contains "["' },
  DTYPE_NAME_RESERVED: { diagnostic: true, about: 'a custom dtype redefines a reserved name' },
  DTYPE_NAME_PREFIX: { diagnostic: true, about: 'a custom dtype name does not start with "ext::"' },
  // Ops, variants, environments
  OP_SCHEMA: { diagnostic: true, about: 'ops.json breaks the ops schema' },
  OP_ID_UNSAFE: { diagnostic: true, about: 'an op id is not path-safe' },
  OP_ID_DUPLICATE: { diagnostic: true, about: 'an op id is used by more than one op instance' },
  OP_DYNATTR_INCOMPLETE: { diagnostic: true, about: "an op's dynamic attribute is incomplete" },
  OP_UNSUPPORTED: { diagnostic: true, about: 'an op type this validator does not check' },
  VARIANT_UNSUPPORTED: { diagnostic: true, about: 'a variant this validator does not check (only Core was checked)' },
  PIPELINE_CONFIG_SCHEMA: { diagnostic: true, about: "a pipeline's variant_config.json breaks its schema" },
  PIPELINE_VARIANT_ARTIFACTS: { diagnostic: true, about: 'a pipeline holds files under variant_artifacts/' },
  PIPELINE_JSON_IO: { diagnostic: true, about: 'a pipeline declares a JSON input or output (only NDJSON is allowed)' },
  PIPELINE_OP_UNRESOLVED: { diagnostic: true, about: 'a pipeline node names no op instance' },
  PIPELINE_ARITY: { diagnostic: true, about: 'a pipeline node binds a different number of names than its op declares' },
  PIPELINE_UNBOUND_INPUT: { diagnostic: true, about: 'a pipeline node reads a name not bound before it' },
  PIPELINE_NAME_REBOUND: { diagnostic: true, about: 'a pipeline binds a name twice' },
  PIPELINE_OUTPUT_UNBOUND: { diagnostic: true, about: 'a manifest output is bound by no pipeline node' },
  PIPELINE_OP_UNUSED: { diagnostic: true, about: 'an op instance is referenced by no pipeline node' },
  PYFUNC_CONFIG_SCHEMA: { diagnostic: true, about: "a pyfunc's variant_config.json breaks its schema" },
  PYFUNC_ENTRY_MISSING: { diagnostic: true, about: "a pyfunc artifact lacks its entry module" },
  ENV_SCHEMA: { diagnostic: true, about: 'env.json breaks the schema of its environment kind' },
  ENV_KIND_UNSUPPORTED: { diagnostic: true, about: 'an environment kind this validator does not check' },
  CHAIN_ARITY_MISMATCH: { error: U, about: 'one model\'s output count differs from the next model\'s input count (new --onnx)' },
  CHAIN_DTYPE_MISMATCH: { error: U, about: 'consecutive models pass a value with different element types (new --onnx)' },
  CHAIN_SHAPE_MISMATCH: { error: U, about: 'consecutive models pass a value with a different rank or conflicting fixed extent (new --onnx)' },
  // ONNX
  ONNX_MALFORMED: { error: A, diagnostic: true, about: 'an ONNX model is not a readable ModelProto' },
  ONNX_INT_OUT_OF_RANGE: {
    error: A,
    diagnostic: true,
    about: 'an ONNX integer (ir_version, an opset version, a dimension, an external data offset or length) is outside ±(2^53 − 1), so it cannot be kept exact',
  },
  ONNX_ATTRIBUTES_SCHEMA: { diagnostic: true, about: "an ONNX_v1 op's attributes break their schema" },
  ONNX_MODEL_MISSING: { diagnostic: true, about: 'an ONNX_v1 op has no model file' },
  ONNX_NOT_CHECKED: { diagnostic: true, about: 'the model could not be read by range, so its declarations were not compared' },
  ONNX_IR_VERSION_MISMATCH: { diagnostic: true, about: "the declared IR version is not the model's" },
  ONNX_OPSET_MISMATCH: { diagnostic: true, about: "the declared opsets are not the model's" },
  ONNX_USED_OPERATORS_MISMATCH: { diagnostic: true, about: 'the model uses operators not declared in used_operators' },
  ONNX_ARITY_MISMATCH: { diagnostic: true, about: "the declared inputs or outputs differ in number from the model's graph" },
  ONNX_DTYPE_MISMATCH: { diagnostic: true, about: "a declared dtype is not the model's" },
  ONNX_SHAPE_MISMATCH: { diagnostic: true, about: "a declared shape is not the model's" },
  ONNX_EXTERNAL_DATA_MISMATCH: { diagnostic: true, about: 'has_external_data disagrees with the model' },
  ONNX_EXTERNAL_DATA_OUTSIDE: { error: A, diagnostic: true, about: 'a tensor keeps its data outside its op\'s folder' },
  ONNX_EXTERNAL_DATA_MISSING: { error: A, diagnostic: true, about: 'a tensor\'s external data is missing or too short' },
  ONNX_ELEMENT_UNSUPPORTED: { error: A, about: 'a model input or output has an element type FNNX has no dtype for (new --onnx)' },
  ONNX_VALUE_NOT_TENSOR: { error: A, about: 'a model input or output is a sequence, map or other non-tensor value (new --onnx)' },
  ONNX_SHAPE_UNKNOWN: { error: A, about: 'a model input or output has no shape, so its rank is unknown (new --onnx)' },
  ONNX_NO_OUTPUTS: { error: A, about: 'the model\'s graph has no outputs (new --onnx)' },
  // validate --run: the models in ONNX Runtime
  RUN_RUNTIME_MISSING: { error: U, about: 'validate --run needs ONNX Runtime (onnxruntime-node; onnxruntime-web for the page), which is not installed' },
  RUN_LOAD_FAILED: { diagnostic: true, about: "ONNX Runtime could not create a session from an op's model" },
  RUN_IO_MISMATCH: { diagnostic: true, about: "the inputs or outputs ONNX Runtime sees (names, element types, ranks, fixed extents) differ from the op's declarations" },
  RUN_INPUT_MISMATCH: { diagnostic: true, about: "a value the pipeline wires to an op's input differs from that input's declaration, so the op is not invoked" },
  RUN_FAILED: { diagnostic: true, about: 'ONNX Runtime failed while running an op on synthetic inputs' },
  RUN_OUTPUT_MISMATCH: { diagnostic: true, about: 'a value an op produced differs from its declaration (dtype, rank or a fixed extent)' },
  RUN_NOT_RUN: { diagnostic: true, about: 'a variant, op or input validate --run cannot run here, named, with why' },
  RUN_TIMEOUT: { diagnostic: true, about: 'ONNX Runtime did not finish within --timeout and was stopped' },
  RUN_SUMMARY: { diagnostic: true, about: 'what validate --run did: the runtime, the ops it loaded and the pipeline nodes it ran' },
  RUN_CRASHED: { diagnostic: true, about: "ONNX Runtime's process ended without an answer (a crash or out of memory)" },
  // Metadata
  META_ENTRY_NOT_OBJECT: { error: A, diagnostic: true, warning: true, about: 'a metadata entry is not a JSON object' },
  META_ENTRY_INCOMPLETE: { error: A, diagnostic: true, warning: true, about: "a metadata entry lacks fields of the format's entry shape" },
  META_ENTRY_LEGACY: { diagnostic: true, warning: true, about: "a metadata entry has the registry SDK's legacy {id, tags, payload} shape" },
  META_ID_UNSAFE: { error: A, diagnostic: true, about: 'a metadata entry id cannot name a meta_artifacts/<id>/ folder' },
  META_ID_DUPLICATE: { diagnostic: true, about: 'a metadata entry id was already used' },
  UNWANTED_MEMBER: { diagnostic: true, about: 'a member is version-control, operating-system or editor data (.git/, .DS_Store, *.swp): not model data' },
  UNKNOWN_KEY: { diagnostic: true, about: 'a root-file object has a key the format does not define (readers ignore it; the note names the nearest known key)' },
  META_ENTRY_IGNORED: { error: U, diagnostic: true, about: 'a metrics entry no reader shows: an earlier entry carries the same kind of metrics tag, and readers take the first' },
  NO_ENTRIES: { error: U, about: 'the metadata to append holds no entries' },
  ATTACH_NEEDS_ONE_ENTRY: { error: U, about: 'attachments were given with more than one entry' },
  BAD_ATTACH: { error: U, about: '--attach is not name=path' },
  // Model cards and zips
  NO_MODEL_CARD: { error: A, about: 'the artifact has no model card' },
  CARD_WITHOUT_INDEX: { error: A, about: 'the model card zip has no index.html' },
  BAD_ZIP: { error: A, about: 'a zip (a model card) is not sound: not a zip, corrupt, overlapping or repeated entries, a wrong CRC-32, a bomb' },
  NO_SUCH_ZIP_ENTRY: { error: U, about: 'the zip has no entry of the asked name' },
  UNSUPPORTED_STORE: { error: U, about: 'the store cannot read byte ranges' },
  DUPLICATE_ASSET: { error: U, about: 'two card files would get the same name' },
  // Upload, describe, download, verify
  UPLOAD_EXTENSION: { error: A, diagnostic: true, about: "the file name's extension is not one the registry's upload takes" },
  UPLOAD_TOO_LARGE: { error: A, diagnostic: true, about: 'the file is over the upload size limit' },
  UPLOAD_NOT_TAR: { error: A, diagnostic: true, about: 'the artifact is not one plain tar file (directory, compressed or not a tar)' },
  NOT_UPLOADABLE: { error: A, about: 'assertUploadable found problems (listed in the error)' },
  IS_A_DIRECTORY: { error: U, about: 'the target is a directory where a tar file is needed (describe, extract)' },
  SIZE_MISMATCH: { error: A, about: 'the downloaded size is not the expected one' },
  HASH_MISMATCH: { error: A, about: 'the downloaded SHA-256 is not the expected one' },
  INDEX_MISMATCH: { error: A, about: "the downloaded file's members differ from the descriptor's file_index" },
  VERIFY_MISMATCH: { error: A, about: 'the file differs from what was expected' },
  NOTHING_TO_VERIFY: { error: U, about: 'verify was given nothing to compare against' },
  BAD_DESCRIPTOR: { error: U, about: 'the descriptor file cannot be read or is not a descriptor' },
  BAD_INDEX_FILE: { error: U, about: 'the --index file cannot be read or is not a file_index object' },
  WARNINGS_OMITTED: { warning: true, about: 'describe printed the first warnings and counts the rest' },
  LOCKED: { error: IO, about: 'another writer holds <file>.lock; nothing was written' },
  TARGET_CHANGED: {
    error: ['io', 'artifact'],
    about: 'the file changed under an append (a writer that ignores the lock): before the write, nothing was written; after it, what was written is not there',
  },
  UPLOAD_DETAILS_INVALID: { error: U, about: 'the upload details are not one of the registry\'s shapes, or the parts do not cover the file exactly' },
  UPLOAD_NOT_INITIATED: { error: U, about: 'multipart upload details were given before the upload was initiated (run upload --initiate first)' },
  UPLOAD_NO_ETAG: { error: IO, about: 'an S3 part reply carried no ETag' },
  UPLOAD_ETAG_MISMATCH: { error: IO, about: 'an S3 part\'s ETag is not the MD5 of the file\'s bytes at that part' },
  UPLOAD_COMPLETE_FAILED: { error: IO, about: 'the store answered the upload\'s completion with an error' },
  UPLOAD_PROTOCOL: { error: IO, about: 'a store\'s reply is not a storage answer (no UploadId where one is due, or larger than any answer)' },
  // Options and API use
  BAD_OPTION: { error: U, about: 'an option value is malformed' },
  BAD_LIMIT: { error: U, about: '--limit is not name=value, names no limit, or is out of range' },
  NO_OUTPUT: { error: U, about: 'no output file was given' },
  NOT_A_URL: { error: U, about: 'the argument is not an http(s) URL' },
  HASHER_FINISHED: { error: U, about: 'a hasher was used after its digest was taken' },
  RENAME_UNKNOWN: { error: U, about: '--input-name/--output-name names a value the graph does not have' },
  RENAME_INVALID: { error: U, about: 'after renaming, a name is empty, repeated or bound twice' },
  NO_MODELS: { error: U, about: 'new was given no ONNX model' },
  DIR_NOT_EMPTY: { error: U, about: 'the target directory is not empty and --force was not given' },
  BAD_EXCLUDE: { error: U, about: 'an --exclude pattern can name nothing inside the folder' },
  UNSUPPORTED_SCHEME: { error: U, about: 'a URL scheme other than http or https' },
  UNKNOWN_OPTION: { error: U, about: 'the command has no such option' },
  UNKNOWN_COMMAND: { error: U, about: 'there is no such command' },
  MISSING_ARGUMENT: { error: U, about: 'a required argument is missing' },
  MISSING_OPTION: { error: U, about: 'a required option is missing' },
  MISSING_OPTION_VALUE: { error: U, about: 'an option was given without its value' },
  TOO_MANY_ARGUMENTS: { error: U, about: 'more arguments than the command takes' },
  // Reading bytes
  NOT_A_FILE: { error: IO, about: 'the path is not a regular file' },
  IO_ERROR: { error: IO, about: 'the file system refused a read' },
  READ_FAILED: { error: IO, about: 'the browser could not read the file' },
  BAD_RANGE: { error: IO, about: 'a read range is not a valid offset and length' },
  READ_PAST_END: { error: IO, about: 'a read runs past the end of its source' },
  SHORT_READ: { error: IO, about: 'a read returned fewer bytes than asked (the source changed or lied about its size)' },
  SIZE_CHANGED: { error: IO, about: 'a member source gave a different number of bytes than declared while packing' },
  SOURCE_CHANGED: { error: ['artifact', 'io'], about: 'the file or remote object changed while being read (a download, an upload)' },
  HTTP_STATUS: { error: IO, about: 'the server replied with an unexpected status' },
  BAD_RANGE_REPLY: { error: IO, about: "the server's reply to a range request is not the range asked for" },
  RANGE_NOT_SUPPORTED: { error: IO, about: 'the server ignores range requests' },
  NETWORK_ERROR: { error: IO, about: 'the request failed on the network' },
  TIMEOUT: { error: IO, about: 'the server did not reply in time' },
  WORKER_FAILED: { error: IO, about: 'the browser hashing worker failed' },
  ABORTED: { error: IO, about: 'the operation was aborted by its signal' },
  INTERNAL: { error: IO, about: 'a bug in fnnx-kit (an error that is not an FnnxError)' },
  CORS_BLOCKED: { error: IO, about: "a browser's CORS check kept the page from a server's reply, or from a header the read needs (Content-Range)" },
  TLS_ERROR: { error: IO, about: 'an https URL whose server did not answer with TLS (it probably speaks plain HTTP)' },
  NOT_FOUND: { error: IO, about: 'no such file or directory (ENOENT)' },
  NO_SPACE: { error: IO, about: 'the disk is full, the quota is exhausted, or the file is too large for the file system (ENOSPC, EDQUOT, EFBIG)' },
  PERMISSION_DENIED: { error: IO, about: 'the kernel refused access (EACCES, EPERM)' },
  READ_ONLY_FS: { error: IO, about: 'the file system is read-only (EROFS)' },
  NAME_TOO_LONG: { error: ['artifact', 'io'], about: 'a name is too long for the file system (ENAMETOOLONG), or a member name too long for the extraction target' },
  ALREADY_EXISTS: { error: IO, about: 'the path already exists (EEXIST)' },
  TOO_MANY_OPEN_FILES: { error: IO, about: 'too many open files (EMFILE, ENFILE)' },
  TOO_SLOW: { error: IO, about: 'data arrived slower than --speed-limit over --speed-time' },
  LINK_REFUSED: { error: IO, about: 'a file the kit would create, resume or change is a link it did not make' },
  FOREIGN_STATE: {
    error: IO,
    about: "a file the kit keeps beside its target (a .part, its .part.json, a lock's journal or undo file) is not provably this user's own; it was not used",
  },
} as const satisfies Record<string, CodeEntry>;

type Table = typeof CODES;
/** Every code in the table. */
export type Code = keyof Table;
/** Codes a validator rule reports. */
type FindingCode = { [K in Code]: Table[K] extends { diagnostic: true } ? K : never }[Code];
/**
 * Codes an FnnxError carries: those the table says are thrown, and every finding's code, since a
 * writer that refuses what `validate` would call an error throws that finding's code (one fact, one code).
 */
export type ErrorCode = { [K in Code]: Table[K] extends { error: readonly ErrorKind[] } ? K : never }[Code] | FindingCode;
/** Codes thrown as kind 'artifact' (validate reports those as diagnostics too). */
export type ArtifactErrorCode = {
  [K in Code]: Table[K] extends { error: readonly (infer E)[] } ? ('artifact' extends E ? K : never) : never;
}[Code];
/** Codes a validation Diagnostic carries: its own findings, and every artifact error it met while reading. */
export type DiagnosticCode = FindingCode | ArtifactErrorCode;
/** Codes in a reader's `warnings`: what it tolerated, and the artifact errors of parts it skipped. */
export type WarningCode = { [K in Code]: Table[K] extends { warning: true } ? K : never }[Code] | ArtifactErrorCode;

export function isCode(code: string): code is Code {
  return Object.hasOwn(CODES, code);
}

/** The code of an error thrown as kind 'artifact' (which validate reports and readers may skip past), else undefined. */
export function artifactCodeOf(e: { code: ErrorCode; kind: ErrorKind }): ArtifactErrorCode | undefined {
  const entry: CodeEntry = CODES[e.code];
  const isArtifact = (entry.error ?? []).includes('artifact') || entry.diagnostic === true;
  return e.kind === 'artifact' && isArtifact ? (e.code as ArtifactErrorCode) : undefined;
}
