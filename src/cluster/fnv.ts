/**
 * FNV-1a over UTF-16 units: the word table, entity keys and the id tables hash strings with it. Some callers
 * hash as they scan a text, one unit at a time, with these constants.
 */
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** FNV-1a of `s[start, end)`. */
export function fnv1a(s: string, start = 0, end = s.length): number {
  let h = FNV_OFFSET;
  for (let k = start; k < end; k++) h = Math.imul(h ^ s.charCodeAt(k), FNV_PRIME);
  return h;
}
