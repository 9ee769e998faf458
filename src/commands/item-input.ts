import { htmlToText } from '../ingest/text.js';
import type { Item } from '../model.js';
import { InputError } from '../util/jsonl.js';
import { outletFromUrl } from '../util/outlet.js';

function optionalString(value: Record<string, unknown>, key: string, where: string): string | undefined {
  const v = value[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new InputError(`${where}: "${key}" must be a string`);
  return v;
}

/**
 * Turns one parsed JSONL object into an Item. `id` and `title` are required; `source` falls back to the
 * URL's host (as does a source given as a feed address), `publishedAt` to `fallbackTime` (the previous item's
 * time keeps file order meaningful).
 */
export function toItem(value: Record<string, unknown>, where: string, fallbackTime: string): Item {
  const rawId = value.id;
  const id = typeof rawId === 'number' ? String(rawId) : rawId;
  if (typeof id !== 'string' || !id) throw new InputError(`${where}: "id" is required (string or number)`);
  const title = optionalString(value, 'title', where);
  if (title === undefined) throw new InputError(`${where}: "title" is required`);
  const url = optionalString(value, 'url', where) ?? optionalString(value, 'link', where);
  const named = optionalString(value, 'source', where) ?? optionalString(value, 'outlet', where);
  // Archives name some outlets by their feed address only; an unparsable URL gives no outlet.
  const source = outletFromUrl(named) ?? (named || outletFromUrl(url));
  const publishedRaw =
    optionalString(value, 'publishedAt', where) ?? optionalString(value, 'date_published', where);
  let publishedAt = fallbackTime;
  if (publishedRaw) {
    const t = Date.parse(publishedRaw);
    if (Number.isNaN(t))
      throw new InputError(`${where}: "publishedAt" is not an ISO-8601 date: ${publishedRaw}`);
    publishedAt = new Date(t).toISOString();
  }
  return {
    id,
    title,
    description: optionalString(value, 'description', where),
    text: optionalString(value, 'text', where),
    url,
    source: source ?? 'unknown',
    publishedAt,
  };
}

/** Archived feed items may still carry the feed's HTML; the live pipeline sees them as text. */
export function asText(item: Item): Item {
  const html = (s: string | undefined) => (s && /<\/?[a-z][^>]*>|&[a-z#0-9]+;/i.test(s) ? htmlToText(s) : s);
  const out: Item = { ...item, title: html(item.title) ?? item.title };
  if (item.description !== undefined) out.description = html(item.description);
  if (item.text !== undefined) out.text = html(item.text);
  return out;
}
