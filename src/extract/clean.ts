/**
 * Removes boilerplate from article plain text: site chrome, ad and petition prompts, subscribe and follow
 * prompts, copyright and credit lines, and related-article lists. Works line by line on the plain text the
 * pipeline carries (one paragraph or heading per line), so it also cleans text that never was HTML.
 */

/** Whole lines that are never article content. */
const BOILERPLATE_LINES: RegExp[] = [
  /^(story|article|text|content) continues (below|after)( (this|the))? (ad|advert|advertisement)\.?$/i,
  /^(advertisement|advert|sponsored( content)?|paid content|ad|promoted|partner content)\.?$/i,
  /^(expand|collapse|show (more|less)|read (more|less|full (story|article))|see more|load more|continue reading|view (all|more)|more)\.?$/i,
  /^(click|tap) here\b.*$/i,
  /^sign (our|the|this) petition!?$/i,
  /^(sign up|subscribe|register|log ?in|sign in|join (now|us|today))( now| today| here)?[.!]?$/i,
  // A prompt, not a report ("Register now, officials urged voters" reports one): no comma after the verb.
  /^(subscribe|sign up|register)\b(?![^,]{0,12},).{0,80}\b(newsletter|updates|inbox|access|free|today|now|alerts)\b.*$/i,
  // Paywall and consent prompts left around an article.
  /^(this (article|story|content) is (only )?(for|available to) (paying )?(subscribers|members)( only)?|(subscribe|log ?in|sign in|register) to (continue|keep) reading|already a (subscriber|member)\b|to continue reading\b|we value your privacy|(accept|reject) all( cookies)?|manage (cookie )?(preferences|settings|consent))\b.{0,160}$/i,
  /^(get|receive) (our|the) .{0,40}(newsletter|alerts|briefing)\b.*$/i,
  /^follow us\b.*$/i,
  /^(share|share this( article| story)?|share on \w+|tweet|email|print|copy link|comments?)( \(\d+\))?\.?$/i,
  /^share (this|the) (article|story|page|post)( (on|via|with|by) \w+)?\.?$/i,
  // A copyright line, not a report about copyright ("Copyright lawsuits against AI companies multiplied").
  /^(©|\(c\)).*$/i,
  /^copyright\s*(©|\(c\)|\d{4}\b|by\b|:).*$/i,
  /^.{0,80}\b((\(c\)|©) ?opyright|copyright ?(©|\(c\))?) ?\d{4}\b.*$/i,
  /^.*\ball rights reserved\b.*$/i,
  /^(categories|category|tags?|filed under|topics?|keywords)\s*:.*$/i,
  /^\(?(with inputs from|reporting by|additional reporting by|editing by|edited by|compiled by|written by)\b.*\)?\.?$/i,
  /^(photo|image|picture|video|credit|source|file photo)\s*:.*$/i,
  /^.{0,40}\blogo$/i,
  // A timestamp line ("Updated 10:32 GMT, 17 August 2025"), not a sentence that opens on the word.
  /^(last updated|updated|published)\s*:?(\s*(?:[\d:/.,-]+|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?|[ap]\.?m\.?|gmt|utc|bst|cet|cest|est|edt|cst|cdt|pst|pdt|ist|aest|aedt|et|pt|ago|minutes?|mins?|hours?|hrs?|days?|weeks?|yesterday|today|just|now|at|on|very|often))*\s*$/i,
  /^(skip to (main )?content|jump to|back to top|menu|navigation|search|home)$/i,
  // "site.com -- Sunday, August 17, 2025, 10:28 AM": an aggregator's source-and-date line.
  /^[a-z0-9-]+(\.[a-z0-9-]+)+\s+(--|—|\||·)\s+((mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\d).{0,80}$/i,
  /^(loading(\.\.\.|…)?|please enable javascript\b.*)$/i,
  // Captions of video segments describe a report instead of reporting: "Jane Doe reports on the latest …".
  /^.{0,60}\b(reports|reporting) (on|from) the latest\b(?!.*\bthat\b).{0,80}$/i,
  /^.{0,80}\b(has the latest( (on|from|in)\b.{0,100}| (details|news|updates|developments)\b.{0,100})?|(has|have) the (details|story))\.?$/i,
  // A byline as its own paragraph: "By Jane Doe, Reuters", "By Jane Doe and John Smith".
  /^[Bb]y ([A-Z][\p{L}'.-]+ ?){1,4}((,| and| &) ?([A-Z][\p{L}'.-]+ ?){1,4})*$/u,
  // Links to other articles: "Read more: Why the talks failed", "Also read: …".
  /^(read more|also read|read also|see also|more on this( story)?|related)\s*:\s*.{1,160}$/i,
  /^(advertisement|advert|ad)\s*[-–—:|]\s*(scroll|continue|story continues)\b.*$/i,
  /^(you may also like|recommended( for you)?|most (read|popular|viewed)|trending( now)?|more from .{1,40}|read also|also read|see also|don't miss|editor's picks)\s*:?$/i,
];

/**
 * Sentences that are never reporting wherever they stand. A feed description is often one line that opens
 * with newsletter chrome or ends with an embedded tweet, so these cannot drop the whole line; `isBoilerplate`
 * applies them, with the whole-line patterns above, to single sentences.
 */
const BOILERPLATE_SENTENCES: RegExp[] = [
  // Unfilled template placeholders ("{beacon}"), raw links and tweet embeds.
  /\{[a-z_][\w.-]*\}/i,
  /\bhttps?:\/\/\S|\bpic\.twitter\.com\//i,
  /^(welcome to|this is)\b.{0,80}\bnewsletter\b/i,
  /\bnewsletters? (brings|delivers|gives|sends) you\b/i,
  /^presented by\b/i,
  /\bto support our (reporting|journalism|coverage)\b/i,
  // Live-blog and video prompts: "follow here for all the latest updates", "Watch highlights as …".
  /\bfollow\b.{0,40}\bfor\b.{0,30}\bupdates\b/i,
  /^(watch|see|listen)( live| again| highlights)*( as| how| the moment| results| live)\b/i,
  /\b(watch|stream|listen to) it (here|below|live|in this story)\b/i,
  /^here('s| is| are) (some|what|the key|everything|how)\b/i,
  /\bthese are the (main|key|latest) developments\b/i,
  /\b(we|let's) take a look\b/i,
  // Teasers for a newsletter, a roundup or a video: "(Also) in this week's newsletter: …", "here are the highlights
  // from …", "… takes a look back at …", "… breaks down where …", "see charts and data that …".
  /^(also )?in (this|today['’]s|this week['’]s) (edition|issue|newsletter)\b/i,
  /\b(our|notre) newsletter\b/i,
  /\bhere (are|is) (the |a few |some )?(highlights|best moments|top moments)\b/i,
  /\btakes a look (back )?at\b/i,
  /\bbreaks down (the|where|what|how|why)\b/i,
  /\bsee (charts|photos|pictures|images|the video|our)\b/i,
];

/** A sentence (or line) that is site chrome, a prompt or a link rather than text of the article. */
export function isBoilerplate(sentence: string): boolean {
  const t = sentence.trim();
  return BOILERPLATE_LINES.some((re) => re.test(t)) || BOILERPLATE_SENTENCES.some((re) => re.test(t));
}

/** A heading that introduces a list of other articles; the headlines below it go too. */
const RELATED_HEADER =
  /^(\d+\s+)?(related|more|other|similar|recommended|latest|top)\s+(article|stor(y|ies)|news|coverage|reads?|links?|content)(\(s\)|s)?\s*:?$/i;

/** Phrases cut out of the middle or end of a line (the rest of the line stays). */
const INLINE_BOILERPLATE: RegExp[] = [
  /\s*\b(story|article) continues below( this)? (ad|advertisement)\b\.?/gi,
  /\s*\bfollow us (for more news )?(at|on)\s+\S+\s*$/gi,
  /\s*\bsign our petition\b!?/gi,
  /\s*\b(advertisement)\s*$/gi,
  /\s*\bread (the )?full (article|story)( (at|on) \S+?)?\.?\s*$/gi,
  // A live blog's label in capitals: "EXAMPLE NEWS LIVE BLOG: …".
  /^[A-Z][A-Z .']{2,40}\bLIVE ?BLOG:\s*/g,
  // Photo credits: "(Luis Robayo/AFP via Getty Images)", "(AP Photo/Natacha Pisarenko)".
  /\s*\((?:[^()]{0,60}\/)?[^()]{0,60}\b(getty images|afp|reuters|ap photo|epa|shutterstock|photo:?)\b[^()]{0,40}\)\s*$/gi,
];

const NAV_WORDS = new Set([
  'home',
  'news',
  'world',
  'politics',
  'business',
  'sport',
  'sports',
  'opinion',
  'culture',
  'tech',
  'technology',
  'science',
  'health',
  'search',
  'subscribe',
  'categories',
  'about',
  'contact',
  'menu',
  'login',
  'log',
  'in',
  'sign',
  'up',
  'register',
  'account',
  'newsletters',
  'newsletter',
  'video',
  'videos',
  'podcasts',
  'live',
  'latest',
  'more',
  'us',
  'uk',
  'local',
  'entertainment',
  'lifestyle',
  'travel',
  'weather',
  'markets',
  'donate',
  'shop',
  'events',
  'archive',
  'help',
  'privacy',
  'terms',
  'cookies',
  'advertise',
  'careers',
  'faq',
]);

/** "Home     Categories     Search     Subscribe", "News | World | Sport": a row of short menu items. */
function isNavigationLine(line: string): boolean {
  const parts = line
    .split(/\s{2,}|\t|\s*[|•·»›]\s*/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length >= 3 && parts.every((p) => p.split(/\s+/).length <= 3) && !/[.!?]$/.test(line.trim()))
    return true;
  const words = line.toLowerCase().match(/[a-z]+/g) ?? [];
  return words.length >= 2 && words.length <= 12 && words.every((w) => NAV_WORDS.has(w));
}

/** Headlines in a related list: no sentence-final punctuation, or cut short with an ellipsis. */
function isHeadlineLike(line: string): boolean {
  const t = line.trim();
  if (/(\.\.\.|…)$/.test(t)) return true;
  if (/[.!?]["”’)]?$/.test(t)) return false;
  return t.split(/\s+/).length <= 25;
}

export interface CleanOptions {
  /** The article title: when the text repeats it, anything above it is site chrome and is dropped. */
  title?: string;
}

function normalise(s: string): string {
  return s
    .toLowerCase()
    .replace(/[‘’'"“”]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Returns the text with boilerplate lines removed and paragraphs separated by one blank line. Content lines
 * are kept verbatim (apart from trimming and inline boilerplate phrases), in order.
 */
export function cleanText(text: string, options: CleanOptions = {}): string {
  let lines = text.replace(/\r\n?/g, '\n').split('\n');

  if (options.title) {
    const title = normalise(options.title);
    // The last repetition of the title near the top ends the header block ("logo, menu, title, dateline, title").
    let cut = -1;
    for (let i = 0; i < Math.min(lines.length, 30); i++) if (title && normalise(lines[i]!) === title) cut = i;
    if (cut >= 0) lines = lines.slice(cut + 1);
  }

  const kept: string[] = [];
  /** The last line kept that is not empty. */
  let previous: string | undefined;
  let inRelated = false;
  for (const raw of lines) {
    let line = raw.trim();
    if (!line) {
      kept.push('');
      continue;
    }
    if (RELATED_HEADER.test(line)) {
      inRelated = true;
      continue;
    }
    if (inRelated) {
      if (isHeadlineLike(line) || BOILERPLATE_LINES.some((re) => re.test(line))) continue;
      inRelated = false;
    }
    if (BOILERPLATE_LINES.some((re) => re.test(line)) || isNavigationLine(line)) continue;
    for (const re of INLINE_BOILERPLATE) line = line.replace(re, '');
    // Markdown emphasis and links from aggregators: keep the words, drop the markup.
    line = line
      .replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, '$1')
      .replace(/\*\*([^*]+)\*\*/g, '$1')
      .replace(/__([^_]+)__/g, '$1')
      .trim();
    // A line repeated right after itself (titles echoed by templates) is kept once.
    if (line && previous !== undefined && normalise(previous) === normalise(line)) continue;
    if (line) {
      kept.push(line);
      previous = line;
    }
  }
  return kept
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
