export const BEGIN: string;
export const END: string;
export function codesMarkdown(
  codes: Readonly<Record<string, { error?: readonly string[]; diagnostic?: true; warning?: true; about: string }>>,
): string;
/** docs/codes.md: the table's home, always checked. */
export const CODES_DOC: string;
export function documentsWithCodes(): string[];
export function withCodes(text: string, codes: Readonly<Record<string, unknown>>): string;
