/**
 * "Did you mean inspect?": the closest names to a mistyped one, by optimal-string-alignment
 * distance, picking as commander did (at most 3 edits, more than 40% alike, all the equally
 * close ones), so the hints read as before.
 */
const MAX_DISTANCE = 3;

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > MAX_DISTANCE) return Math.max(a.length, b.length);
  // d[i][j]: the distance between the first i characters of a and the first j of b.
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let j = 1; j <= b.length; j++) {
    for (let i = 1; i <= a.length; i++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      // A swap of two neighbours is one edit.
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** "Did you mean X?" / "Did you mean one of X, Y?", or '' when nothing is close. Options are compared without their `--`. */
export function suggestSimilar(word: string, candidates: readonly string[]): string {
  const options = word.startsWith('--');
  const strip = (s: string) => (options ? s.slice(2) : s);
  const typed = strip(word);
  let similar: string[] = [];
  let bestDistance = MAX_DISTANCE;
  for (const candidate of new Set(candidates.map(strip))) {
    if (candidate.length <= 1) continue; // no one-character guesses
    const distance = editDistance(typed, candidate);
    const length = Math.max(typed.length, candidate.length);
    if ((length - distance) / length <= 0.4) continue;
    if (distance < bestDistance) {
      bestDistance = distance;
      similar = [candidate];
    } else if (distance === bestDistance) similar.push(candidate);
  }
  similar = similar.sort((a, b) => a.localeCompare(b)).map((s) => (options ? `--${s}` : s));
  if (similar.length > 1) return `Did you mean one of ${similar.join(', ')}?`;
  return similar.length === 1 ? `Did you mean ${similar[0]}?` : '';
}
