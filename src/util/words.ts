/**
 * Lower-cased word tokens of at least `minLength` characters, accents folded. An abbreviation written with dots
 * is one word: "U.S." is "us", not two letters.
 */
export function words(text: string, minLength = 2): string[] {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/(?<![\p{L}\p{N}])\p{L}(?:\.\p{L})+\.?(?![\p{L}\p{N}])/gu, (m) => m.replaceAll('.', ''))
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= minLength);
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
