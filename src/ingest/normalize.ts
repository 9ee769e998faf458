/** URL canonicalisation and stable item identity. */
import { hash } from 'node:crypto';
import { trimTrailing } from '../util/trim.js';

// Query parameters that only track the click; everything else may select content and is kept.
const TRACKING_PARAMS = new Set([
  'fbclid',
  'gclid',
  'dclid',
  'gclsrc',
  'msclkid',
  'yclid',
  'twclid',
  'ttclid',
  'li_fat_id',
  'igshid',
  'mc_cid',
  'mc_eid',
  '_ga',
  '_gl',
  '_hsenc',
  '_hsmi',
  '__hstc',
  '__hssc',
  '__hsfp',
  'hsctatracking',
  'mkt_tok',
  'oly_anon_id',
  'oly_enc_id',
  'vero_id',
  'wt_mc',
  'wt.mc_id',
  'cmpid',
  'cmp',
  'ncid',
  'ocid',
  'sr_share',
  'smid',
  'smtyp',
  'soc_src',
  'soc_trk',
  'at_medium',
  'at_campaign',
  'at_custom1',
  'at_custom2',
  'at_custom3',
  'at_custom4',
  'guccounter',
  'guce_referrer',
  'guce_referrer_sig',
  'ito',
  'cid_source',
  'rss',
  'rssfeed',
  'feedtype',
  'xtor',
  's_cid',
  'spm',
  'share',
  'ref_src',
  'ref_url',
  'referrer',
  'src_trk',
  'trk',
  'trkcampaign',
  'utm',
]);

function isTracking(key: string): boolean {
  const k = key.toLowerCase();
  return (
    k.startsWith('utm_') ||
    k.startsWith('pk_') ||
    k.startsWith('mtm_') ||
    k.startsWith('__twitter') ||
    TRACKING_PARAMS.has(k)
  );
}

/**
 * The web address a `feed:` address wraps: `feed://host/path` is `http://host/path`, `feed:https://…` is the
 * address after the prefix (browsers and older feed readers write feed links so). Other text is returned as is.
 */
export function unwrapFeedScheme(text: string): string {
  const t = text.trim();
  if (!/^feed:/i.test(t)) return t;
  const rest = t.slice('feed:'.length);
  return rest.startsWith('//') ? `http:${rest}` : rest;
}

/** Resolves `href` against `base` (either may be missing or bad); returns undefined for non-http(s) results. */
export function resolveUrl(
  href: string | undefined | null,
  ...bases: (string | undefined | null)[]
): string | undefined {
  if (!href) return undefined;
  const h = String(href).trim();
  if (!h) return undefined;
  let base: string | undefined;
  for (const b of bases) {
    if (!b) continue;
    try {
      base = base ? new URL(b, base).href : new URL(b).href;
    } catch {
      // an unusable base is skipped, the next one may still work
    }
  }
  try {
    const u = base ? new URL(h, base) : new URL(h);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** A URL without its fragment, which the server never sees: a feed at `feed.xml#top` is the one at `feed.xml`. */
export function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash < 0 ? url : url.slice(0, hash);
}

/**
 * Canonical form of an article URL: lower-case host, no default port, no fragment, no tracking parameters.
 * Returns undefined for anything that is not an absolute http(s) URL.
 */
export function canonicalUrl(href: string | undefined | null, base?: string): string | undefined {
  if (!href) return undefined;
  let u: URL;
  try {
    u = base ? new URL(String(href).trim(), base) : new URL(String(href).trim());
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  // The setter re-serialises the URL, so only call it when there is a fragment (an empty one included).
  if (u.href.indexOf('#') >= 0) u.hash = '';
  if (u.search) {
    const kept: [string, string][] = [];
    let dropped = false;
    for (const [k, v] of u.searchParams) {
      if (isTracking(k)) dropped = true;
      else kept.push([k, v]);
    }
    if (dropped) u.search = kept.length ? new URLSearchParams(kept).toString() : '';
  }
  return u.href;
}

export function shortHash(s: string): string {
  return hash('sha1', s, 'base64url').slice(0, 16);
}

/** The part of a canonical URL that names the article, so http→https or www changes keep the same id. */
export function urlIdentity(canonical: string): string {
  return trimTrailing(canonical.replace(/^https?:\/\/(?:www\.)?/i, ''), '/');
}

/** Three words or more of a slug, each with its hyphen: the slug goes on with a fourth. */
const SLUG_WORDS = "(?:[\\p{L}\\p{N}%'’]+-){3,}";

/**
 * A slug ending in the site's article number ("…-claiming-discrimination-ca193efb", "…-gaza-hospital-rcna125648",
 * "…-aid-groups-fighting-1.7032910"): the one article, whatever section its path files it under. Sites list an
 * article under two paths ("/articles/…" and "/us-news/law/…"), and both must be one item. A slug without such
 * a number is not enough: a daily live blog or a weekly gallery reuses its slug under a new date.
 */
const NUMBERED_SLUG = new RegExp(
  `^${SLUG_WORDS}(?:[a-z]{0,4}\\d{5,}|(?=[0-9a-f]*\\d)[0-9a-f]{6,}|\\d+\\.\\d{5,})$`,
  'iu',
);

/**
 * An article number as the last segment of its own, after a slug of four words or more elsewhere in the path
 * ("/india/<slug>/articleshow/105340277.cms" and "/city/delhi/<slug>/articleshow/105340277.cms"): together
 * they name the article as a numbered slug does. A number with no slug before it names nothing on its own.
 */
const ARTICLE_NUMBER = /^\d{6,}$/;
const WORDY_SLUG = new RegExp(`^${SLUG_WORDS}[\\p{L}\\p{N}%'’]+$`, 'iu');

/**
 * The host and numbered slug that name an article at any path (see `NUMBERED_SLUG` and `ARTICLE_NUMBER`), or
 * undefined.
 */
export function articleKey(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const segments = u.pathname.split('/').filter(Boolean);
  const last = segments.pop();
  if (!last) return undefined;
  const host = u.hostname.replace(/^www\./i, '').toLowerCase();
  const slug = last.replace(/\.(?:html?|cms|ece|php|aspx?)$/i, '');
  if (NUMBERED_SLUG.test(slug)) return `${host}/${slug.toLowerCase()}`;
  if (!ARTICLE_NUMBER.test(slug)) return undefined;
  for (let k = segments.length - 1; k >= 0; k--)
    if (WORDY_SLUG.test(segments[k]!)) return `${host}/${segments[k]!.toLowerCase()}-${slug}`;
  return undefined;
}

/** The alternate item id of an article filed under any path (see `articleKey`), or undefined. */
export function articleAltId(url: string): string | undefined {
  const key = articleKey(url);
  return key === undefined ? undefined : shortHash(`a:${key}`);
}
