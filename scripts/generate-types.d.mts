export const TYPE_NAMES: Readonly<Record<string, string>>;
export function generatedTypes(): Promise<Map<string, string>>;
