export const STAMP: string;
export function inputsDigest(): string;
export function builtFromCurrentInputs(): boolean;
export function writeStamp(): void;
