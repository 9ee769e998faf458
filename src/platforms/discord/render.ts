/**
 * Discord rendering of a story digest: a parent message with one embed, a thread under it, and replies for
 * facts, opinion and coverage. Payloads are the JSON bodies of `POST /channels/:id/messages` (and, for
 * `parentEdit`, `PATCH /channels/:id/messages/:id`); the sink adds nothing but the route.
 *
 * Every limit is met by splitting into more messages, never by cutting text or dropping entries.
 */
import type { StoryUpdate } from '../../deliver/sink.js';
import type { DigestCoverage, DigestFact, DigestOpinion, StoryDigest } from '../../model.js';
import {
  attributionText,
  byFirstReport,
  claimText,
  corroborationText,
  countsLine,
  isWordChar,
  kindLabel,
  linkable,
  MARKER_LOOKALIKE,
  oneLine,
  packEntries,
  plural,
  safeHttpUrl,
  splitText,
  trimUrl,
  truncateWords,
  URL_IN_TEXT,
  unixSeconds,
  updateLeadLine,
  utcTime,
  wholeLink,
  withoutBidi,
} from '../split.js';

export const DISCORD_LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  /** Sum of title, description, field names and values, footer and author over all embeds of a message. */
  embedTotal: 6000,
  embeds: 10,
  threadName: 100,
} as const;

/** MESSAGE_FLAGS.SUPPRESS_EMBEDS: no link previews under the message. */
export const SUPPRESS_EMBEDS = 1 << 2;

const EMBED_COLOR = 0x3b6ea5;
/** Footers are metadata; kept short so the embed total stays far below 6000 whatever the title and description. */
const FOOTER_MAX = 256;

export interface DiscordEmbed {
  title?: string;
  description?: string;
  url?: string;
  timestamp?: string;
  color?: number;
  footer?: { text: string };
  author?: { name: string; url?: string };
  fields?: { name: string; value: string; inline?: boolean }[];
}

export interface DiscordMessagePayload {
  content?: string;
  embeds?: DiscordEmbed[];
  /** Always `{ parse: [] }`: nothing in a digest may ping anyone. */
  allowed_mentions: { parse: [] };
  flags?: number;
}

export interface DiscordStoryRender {
  parent: DiscordMessagePayload;
  /** Name of the thread started on the parent message. */
  threadName: string;
  /** Thread replies, in order. */
  replies: DiscordMessagePayload[];
}

export interface DiscordUpdateRender {
  /** Replies in the story's thread: usually one, more only if the update exceeds a message. */
  reply: DiscordMessagePayload[];
  /** New body for the parent message, with the counts updated. */
  parentEdit: DiscordMessagePayload;
}

const noMentions = (): { parse: [] } => ({ parse: [] });

// ---- Escaping ----

/** `@everyone` and `@here`, also glued to more letters: a zero-width space goes after the `@`. */
const MASS_MENTION = /@(everyone|here)/gi;

/** Escapes one run of text that contains no bare URL. `lineStart`: the run begins a line. */
function escapeRun(text: string, lineStart: boolean): string {
  const marked = text
    .replace(/[\\*_~`|>[\]<]/g, (c) => `\\${c}`)
    // Mentions stay inert even if a client ignored the backslash; allowed_mentions stops pings regardless.
    .replace(MASS_MENTION, '@\u200b$1')
    .replace(/\\<([@#]|:|a:|t:|\/)/g, '\\<$1\u200b');
  // Headings (#, ##, ###, -#) and list items (-, +, 1.) only act at a line start; escaping them after any
  // whitespace too keeps a piece that begins after a split at a space just as inert.
  const before = lineStart ? '(^|\\s)' : '(\\s)';
  return marked
    .replace(new RegExp(`${before}(#{1,3}|-#|[-+])(?=\\s)`, 'g'), '$1\\$2')
    .replace(new RegExp(`${before}(\\d+)\\.(?=\\s)`, 'g'), '$1$2\\.');
}

/**
 * Makes feed text inert as Discord markdown: `\ * _ ~ \` | > [ ] <` are backslash-escaped (no formatting,
 * spoilers, quotes, masked links, mentions, channel links, emoji or timestamps), headings, subtext and list
 * markers are escaped, `@everyone`/`@here` get a zero-width space. Bare http(s) URLs are kept verbatim and
 * wrapped in `<>` so they stay clickable without a preview, up to `LINKED_URL_MAX`.
 */
export function escapeDiscord(text: string): string {
  const lines = withoutBidi(text).split('\n');
  return lines
    .map((line) => {
      let out = '';
      let last = 0;
      for (const match of line.matchAll(URL_IN_TEXT)) {
        const url = trimUrl(match[0]);
        const at = match.index;
        out += escapeRun(line.slice(last, at), last === 0);
        out += linkable(url) ? `<${url}>` : escapeRun(url, false);
        last = at + url.length;
      }
      return out + escapeRun(line.slice(last), last === 0);
    })
    .join('\n');
}

/** Plain text where Discord renders no markdown (thread names, footers): one line, mass mentions broken. */
function plainDiscord(text: string): string {
  return oneLine(text).replace(MASS_MENTION, '@\u200b$1');
}

/** Longest `[title](<url>)` kept: a message (2000) must hold it whole, with the entry around it. */
const LINK_MAX = 1500;

/** Look-alikes for the characters that would act inside a masked link's label. */
const LABEL_LOOKALIKE: Record<string, string> = {
  ...MARKER_LOOKALIKE,
  '[': '(',
  ']': ')',
  '\\': '⧵',
  '|': '∣',
  '<': '‹',
  '>': '›',
};

/**
 * A masked link's label. Discord shows backslash escapes there as written, so the characters that would act
 * (brackets, emphasis markers, spoiler bars, angle brackets) become look-alikes instead. Only `_` inside a
 * word cannot act (snake_case) and stays; `*` and `~~` format even inside a word ("2*3*4").
 */
function linkLabel(text: string): string {
  const chars = [...oneLine(text)];
  return chars
    .map((c, i) => {
      const lookalike = LABEL_LOOKALIKE[c];
      if (!lookalike) return c;
      const inWord = c === '_' && isWordChar(chars[i - 1]) && isWordChar(chars[i + 1]);
      return inWord ? c : lookalike;
    })
    .join('')
    .replace(MASS_MENTION, '@\u200b$1');
}

/** A URL in a label makes Discord print the whole link as text. */
const URL_IN_LABEL = /https?:\/\/|www\./i;

/**
 * `[title](<url>)` with the title as `linkLabel` gives it; the angle brackets keep Discord from adding a
 * preview. Kept whole as `wholeLink` says: a long title, or one holding a URL, goes escaped in full before a
 * short `([link](<url>))`.
 */
function maskedLink(title: string, url: string | undefined): string {
  const text = escapeDiscord(oneLine(title)) || 'link';
  const href = safeHttpUrl(url);
  if (!href) return text;
  return wholeLink(
    title,
    text,
    (label) => (URL_IN_LABEL.test(label) ? '' : `[${linkLabel(label) || 'link'}](<${href}>)`),
    LINK_MAX,
  );
}

function discordTime(iso: string): string {
  const unix = unixSeconds(iso);
  return unix === undefined ? escapeDiscord(utcTime(iso)) : `<t:${unix}:f>`;
}

// ---- Entries ----

function factEntry(fact: DigestFact): string {
  const said = fact.attribution ? ` — ${escapeDiscord(attributionText(fact.attribution))}` : '';
  return `• ${escapeDiscord(claimText(fact))}${said} (${escapeDiscord(corroborationText(fact))})`;
}

function opinionEntry(o: DigestOpinion): string {
  const href = safeHttpUrl(o.url);
  const link = href ? ` ([read](<${href}>))` : '';
  return `• _${kindLabel(o.kind)}_ — **${escapeDiscord(oneLine(o.source))}**: ${escapeDiscord(oneLine(o.gist))}${link}`;
}

function coverageEntry(c: DigestCoverage): string {
  return `• **${escapeDiscord(oneLine(c.source))}** — ${maskedLink(c.title, c.url)} · ${discordTime(c.publishedAt)}`;
}

/**
 * One titled section as as many thread messages as it needs: each starts with the bold title (and
 * "(2/3)" when split), entries are packed under the content limit and never split unless one alone is too long.
 */
function sectionMessages(title: string, note: string, entries: string[]): DiscordMessagePayload[] {
  const head = (i: number, n: number) =>
    `**${title}**${note ? ` · ${note}` : ''}${n > 1 ? ` (${i}/${n})` : ''}`;
  const reserve = head(99999, 99999).length + 1;
  const chunks = packEntries(entries, DISCORD_LIMITS.content - reserve);
  return chunks.map((chunk, i) => ({
    content: `${head(i + 1, chunks.length)}\n${chunk}`,
    allowed_mentions: noMentions(),
    flags: SUPPRESS_EMBEDS,
  }));
}

/** Plain messages (no title), for update replies. */
function plainMessages(entries: string[]): DiscordMessagePayload[] {
  return packEntries(entries, DISCORD_LIMITS.content).map((content) => ({
    content,
    allowed_mentions: noMentions(),
    flags: SUPPRESS_EMBEDS,
  }));
}

// ---- Parent ----

interface Parent {
  payload: DiscordMessagePayload;
  /** Text of the description that did not fit, to continue in the thread. */
  overflow: string[];
}

function renderParent(digest: StoryDigest): Parent {
  const headline = oneLine(digest.headline) || `Story ${digest.id}`;
  const escapedHeadline = escapeDiscord(headline);
  const title = truncateWords(escapedHeadline, DISCORD_LIMITS.embedTitle);
  const counts = escapeDiscord(countsLine(digest));
  // A headline too long for the title is given in full at the top of the description.
  const latest = digest.latest
    ? `**Latest:** ${maskedLink(digest.latest.title, digest.latest.url)} — ${escapeDiscord(oneLine(digest.latest.source))}`
    : '';
  const body = [title === escapedHeadline ? '' : escapedHeadline, escapeDiscord(oneLine(digest.lead)), latest]
    .filter(Boolean)
    .join('\n\n');
  const room = DISCORD_LIMITS.embedDescription - counts.length - 2;
  const [first = '', ...overflow] = body ? splitText(body, room) : [];

  const coverage = byFirstReport(digest.coverage);
  const firstReport = coverage.find((c) => safeHttpUrl(c.url)) ?? coverage[0];
  const footer = [
    firstReport ? `First reported by ${plainDiscord(firstReport.source)}` : '',
    `Threadline story ${plainDiscord(digest.id)}`,
  ]
    .filter(Boolean)
    .join(' · ');
  const embed: DiscordEmbed = {
    title,
    description: first ? `${first}\n\n${counts}` : counts,
    color: EMBED_COLOR,
    footer: { text: truncateWords(footer, FOOTER_MAX) },
  };
  const url = safeHttpUrl(firstReport?.url);
  if (url) embed.url = url;
  const updated = unixSeconds(digest.lastUpdated);
  if (updated !== undefined) embed.timestamp = new Date(updated * 1000).toISOString();
  return { payload: { embeds: [embed], allowed_mentions: noMentions() }, overflow };
}

/** Thread name: the headline on one line, shortened at a word boundary to Discord's 100 characters. */
function threadName(digest: StoryDigest): string {
  const name = plainDiscord(digest.headline) || `Story ${plainDiscord(digest.id)}`;
  return truncateWords(name, DISCORD_LIMITS.threadName);
}

/** The parent message, thread name and thread replies of a newly posted story. */
export function renderDiscordStory(digest: StoryDigest): DiscordStoryRender {
  const parent = renderParent(digest);
  const replies: DiscordMessagePayload[] = [];
  if (parent.overflow.length) replies.push(...sectionMessages('Summary (continued)', '', parent.overflow));
  if (digest.facts.length) {
    replies.push(
      ...sectionMessages('Reported facts', plural(digest.facts.length, 'fact'), digest.facts.map(factEntry)),
    );
  }
  if (digest.opinion.length) {
    replies.push(
      ...sectionMessages(
        'Opinion & analysis',
        plural(digest.opinion.length, 'piece'),
        digest.opinion.map(opinionEntry),
      ),
    );
  }
  if (digest.coverage.length) {
    const note = plural(digest.coverage.length, 'report');
    replies.push(...sectionMessages('Coverage', note, byFirstReport(digest.coverage).map(coverageEntry)));
  }
  return { parent: parent.payload, threadName: threadName(digest), replies };
}

/**
 * A story that gained coverage: one reply ("+2 sources: A, B" or "More from A", then the new facts, the new
 * opinion and analysis pieces, and the new reports; more messages only if that exceeds 2000 characters) and
 * the parent's new body with the counts updated.
 */
export function renderDiscordUpdate(update: StoryUpdate): DiscordUpdateRender {
  const lead = updateLeadLine(update, (label) => `**${label}**`, escapeDiscord);
  const entries = [
    lead,
    ...update.newFacts.map(factEntry),
    ...update.newOpinion.map(opinionEntry),
    ...byFirstReport(update.newCoverage).map(coverageEntry),
  ];
  const parent = renderParent(update.digest).payload;
  return {
    reply: plainMessages(entries),
    parentEdit: { embeds: parent.embeds, allowed_mentions: noMentions() },
  };
}

// ---- Validation ----

/** Length of an embed as Discord counts it towards the 6000-character message total. */
export function embedLength(embed: DiscordEmbed): number {
  let n = (embed.title?.length ?? 0) + (embed.description?.length ?? 0);
  n += (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
  for (const f of embed.fields ?? []) n += f.name.length + f.value.length;
  return n;
}

/** Every Discord limit a payload breaks (empty when it can be sent as is). */
export function discordViolations(payload: DiscordMessagePayload): string[] {
  const problems: string[] = [];
  const L = DISCORD_LIMITS;
  if (payload.allowed_mentions?.parse?.length !== 0) problems.push('allowed_mentions must be { parse: [] }');
  if ((payload.content?.length ?? 0) > L.content)
    problems.push(`content ${payload.content?.length} > ${L.content}`);
  const embeds = payload.embeds ?? [];
  if (!payload.content && !embeds.length) problems.push('message has neither content nor embeds');
  if (embeds.length > L.embeds) problems.push(`${embeds.length} embeds > ${L.embeds}`);
  let total = 0;
  embeds.forEach((e, i) => {
    const at = `embeds[${i}]`;
    if ((e.title?.length ?? 0) > L.embedTitle) problems.push(`${at}.title > ${L.embedTitle}`);
    if ((e.description?.length ?? 0) > L.embedDescription)
      problems.push(`${at}.description > ${L.embedDescription}`);
    if ((e.footer?.text.length ?? 0) > L.footer) problems.push(`${at}.footer > ${L.footer}`);
    if ((e.author?.name.length ?? 0) > L.author) problems.push(`${at}.author > ${L.author}`);
    if ((e.fields?.length ?? 0) > L.embedFields) problems.push(`${at}.fields > ${L.embedFields}`);
    for (const f of e.fields ?? []) {
      if (f.name.length > L.fieldName) problems.push(`${at} field name > ${L.fieldName}`);
      if (f.value.length > L.fieldValue) problems.push(`${at} field value > ${L.fieldValue}`);
    }
    total += embedLength(e);
  });
  if (total > L.embedTotal) problems.push(`embeds total ${total} > ${L.embedTotal}`);
  return problems;
}
