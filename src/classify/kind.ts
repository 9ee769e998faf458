import type { ItemKind } from '../model.js';
import { OUTLETS } from './lexicon.js';

export interface ItemKindInput {
  url?: string;
  categories?: string[];
  /** What the feed is configured as; a report feed can still carry opinion pieces. */
  feedKind?: 'report' | 'opinion' | 'analysis';
  /** schema.org type from the page's JSON-LD, e.g. "OpinionNewsArticle". */
  pageType?: string;
  /** Section from page metadata (article:section, JSON-LD articleSection). */
  section?: string;
  title?: string;
  /** The outlet's name: a headline that ends in it is not signed by a writer. */
  source?: string;
}

const OPINION_PATH =
  /\/(opinions?|commentisfree|comment(ary|aries)?|editorials?|op-?eds?|columns?|columnists?|views?|viewpoints?|perspectives?|letters(-to-the-editor)?|blogs?\/opinion|ideas|voices)(\/|$|-)/i;
const ANALYSIS_PATH =
  /\/(analysis|news-analysis|explainers?|explained|fact-?checks?|in-depth|long-?reads?|the-big-picture)(\/|$|-)/i;
/**
 * "take-action" and petitions anywhere; "action" and "campaign(s)" only at the top of the path, after at most a
 * language or country code, since news sites use them for sections ("/homenews/campaign/" is election news).
 */
const ADVOCACY_PATH =
  /\/(take-action|petitions?)(\/|$)|^(\/[a-z]{2,3}(-[a-z]{2})?)?\/(action|campaigns?)(\/|$)/i;

const OPINION_LABEL =
  /^(opinion|opinions|comment|commentary|comment is free|editorial|editorials|op-?ed|column|columns|columnists?|viewpoints?|perspectives?|letters?( to the editor)?|our view|views|review|reviews|essay|guest (essay|column|post)|ideas|voices)$/i;
const ANALYSIS_LABEL =
  /^(analysis|news analysis|explainer|explained|fact ?check|in depth|in-depth|the big picture|long read)$/i;

function fromLabel(label: string): ItemKind | undefined {
  const l = label
    .trim()
    .replace(/[:|–—-]+$/, '')
    .trim();
  if (OPINION_LABEL.test(l)) return 'opinion';
  if (ANALYSIS_LABEL.test(l)) return 'analysis';
  if (/^(take action|action|petition|campaign)s?$/i.test(l)) return 'advocacy';
  // Compound categories: "Opinion / Politics", "World news > Analysis".
  const parts = l.split(/\s*[/>|,·:]\s*/).filter(Boolean);
  if (parts.length > 1) {
    for (const p of parts) {
      if (OPINION_LABEL.test(p)) return 'opinion';
      if (ANALYSIS_LABEL.test(p)) return 'analysis';
    }
  }
  return undefined;
}

function fromPageType(type: string): ItemKind | undefined {
  const t = type.replace(/^https?:\/\/schema\.org\//i, '');
  if (
    /^(Opinion(News)?Article|Review(News)?Article|Review|CriticReview|Editorial|SatiricalArticle)$/i.test(t)
  )
    return 'opinion';
  if (/^(Analysis(News)?Article|Background(News)?Article|Explainer)$/i.test(t)) return 'analysis';
  if (/^(Reportage(News)?Article|NewsArticle|Report|LiveBlogPosting)$/i.test(t)) return 'report';
  return undefined;
}

function fromUrl(url: string): ItemKind | undefined {
  let p: string;
  try {
    const u = new URL(url);
    p = u.pathname;
  } catch {
    p = url;
  }
  if (OPINION_PATH.test(p)) return 'opinion';
  if (ANALYSIS_PATH.test(p)) return 'analysis';
  if (ADVOCACY_PATH.test(p)) return 'advocacy';
  return undefined;
}

/**
 * A review named in its headline, wherever the label stands: "Saltburn review – …", "'Wish' Review: …",
 * "Film review: …", "Wish, review: …", "… – restaurant review". A headline about an official review gives
 * its findings instead ("Inquiry review: key findings …") and stays news.
 */
const REVIEW_TITLE =
  /\breview\s*(?:[:|–—]|\s-)\s+(?!(?:\S+\s+){0,2}(?:findings|finds|recommend))|\s[|–—-]\s+(?:[\p{L}-]+\s+)?review\s*(?:[|]|$)/iu;

/** What follows the last " | " of a headline: "… | Letters", "… | Jonathan Liew". */
const TITLE_TAIL = /\s\|\s+([^|]{2,40}?)\s*$/;
/** A person's name: two or three capitalised words, a middle initial allowed ("Christopher S Chivvis"). */
const PERSON = /^\p{Lu}[\p{Ll}’'-]+(?:\s+(?:\p{Lu}\.?|\p{Lu}[\p{Ll}’'-]+)){1,2}$/u;
/** Words of a series or a newsroom's name rather than a person's: "First Thing", "About That", "Sky News". */
const NOT_A_PERSON =
  /\b(the|first|about|that|this|week|day|thing|news|live|updates?|briefing|morning|evening|daily|weekly|today|wire|times|post|press|journal|herald|tribune|gazette|telegraph|chronicle|observer|express|mail|mirror|business|politics|sports?|world|media|network|channel|magazine|radio|tv|online|insider)\b/i;
const OUTLET_NAMES = new Set(OUTLETS.map((o) => o.toLowerCase()));

/**
 * A headline signed with its writer's name, "… | Jonathan Liew": the way a column is titled, whatever its
 * section; a report carries no name there (a newsroom's name there is no signature).
 */
function signed(tail: string, source: string | undefined): boolean {
  if (!PERSON.test(tail) || NOT_A_PERSON.test(tail) || OUTLET_NAMES.has(tail.toLowerCase())) return false;
  const bare = (s: string) => s.toLowerCase().replace(/[^\p{L}]/gu, '');
  return !source || !bare(source).includes(bare(tail));
}

/**
 * "Opinion: …", "ANALYSIS | …", "Editorial — …" at the start of a headline, "… | Letters" or a writer's name at
 * its end; reviews anywhere in it.
 */
function fromTitle(title: string, source?: string): ItemKind | undefined {
  if (REVIEW_TITLE.test(title)) return 'opinion';
  const m = /^\s*([A-Za-z' -]{3,30}?)\s*[:|–—]\s+\S/.exec(title);
  const head = m ? fromLabel(m[1]!) : undefined;
  if (head) return head;
  const tail = TITLE_TAIL.exec(title)?.[1];
  if (tail === undefined) return undefined;
  return fromLabel(tail) ?? (signed(tail, source) ? 'opinion' : undefined);
}

/**
 * Decides whether an item is reporting, opinion, analysis or advocacy from everything known about it. The page
 * itself (type, section, URL, headline label, categories) can mark a piece from a news feed as opinion; a
 * feed configured as opinion or analysis marks all its items. Opinion outranks analysis, which outranks report.
 */
export function classifyItemKind(input: ItemKindInput): ItemKind {
  const signals: ItemKind[] = [];
  if (input.feedKind) signals.push(input.feedKind);
  if (input.pageType) {
    const k = fromPageType(input.pageType);
    if (k) signals.push(k);
  }
  if (input.section) {
    const k = fromLabel(input.section);
    if (k) signals.push(k);
  }
  for (const c of input.categories ?? []) {
    const k = fromLabel(c);
    if (k) signals.push(k);
  }
  if (input.url) {
    const k = fromUrl(input.url);
    if (k) signals.push(k);
  }
  if (input.title) {
    const k = fromTitle(input.title, input.source);
    if (k) signals.push(k);
  }
  for (const kind of ['opinion', 'advocacy', 'analysis'] as const) if (signals.includes(kind)) return kind;
  return 'report';
}

/** Longest line taken for a section heading. */
const MAX_HEADING = 200;

/**
 * Kind announced by a section heading inside an article ("Opinion:", "Analysis", "Action:", "To Do:",
 * "What can we do?"), or undefined for an ordinary subheading.
 */
export function headingKind(heading: string): ItemKind | undefined {
  // A heading is a short line: a longer one is text, and the patterns below need not read it.
  if (heading.length > MAX_HEADING) return undefined;
  const h = heading
    .replace(/^#+\s*/, '')
    .replace(/\*+/g, '')
    .trim()
    .replace(/[:.?!]+$/, '')
    .trim();
  if (
    /^(opinion|commentary|comment|editorial|our view|my view|my take|the take|perspective|viewpoint|op-?ed|column|verdict|the bottom line|bottom line|why it matters|our take)$/i.test(
      h,
    )
  )
    return 'opinion';
  if (/^(analysis|news analysis|explainer|what it means|what this means|context)$/i.test(h))
    return 'analysis';
  if (
    /^(actions?|to ?do|to-do|take action|call to action|get involved|how (you|we) can help|next steps for (you|readers)|what (can|should|could) (we|you|i)( personally)? do( about (this|it))?|exact actions (we|you) can take|what you can do|sign (the|our) petition)$/i.test(
      h,
    )
  )
    return 'advocacy';
  // Forward-looking speculation headings: "What could happen next?", "The road ahead".
  if (
    /^(what (could|might|will|would) happen( next)?|what('s| is) next|what comes next|the road ahead|outlook|scenarios?)$/i.test(
      h,
    )
  )
    return 'analysis';
  return undefined;
}
