/** Lower-cased word tokens of at least two characters, accents folded. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 1);
}

/**
 * Loose match of a query word against a text word: equal, or sharing a stem-like prefix of at least four
 * letters that covers all but the last letter of the shorter word ("ukraine" ~ "ukrainian", "bank" ~ "banks").
 */
export function wordsMatch(query: string, word: string): boolean {
  if (query === word) return true;
  const shorter = Math.min(query.length, word.length);
  if (shorter < 4) return false;
  let common = 0;
  while (common < shorter && query[common] === word[common]) common++;
  return common >= 4 && common >= shorter - 1;
}
