/**
 * Slack rendering of a story digest: a Block Kit parent message and thread replies for facts, opinion and
 * coverage. Payloads are the arguments of `chat.postMessage` (`parentEdit`: of `chat.update`) without
 * `channel`, `thread_ts` or `ts`, which the sink adds.
 *
 * Every limit is met by splitting into more blocks or messages, never by cutting text or dropping entries.
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

export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  contextElements: 10,
  /**
   * Text summed over all blocks of one message. Not documented, but Slack answers `msg_blocks_too_long`
   * somewhere around 12,000–13,000 characters (slackapi/bolt-js#2509, #2867); this leaves a margin.
   */
  messageBlockText: 10_000,
  /** `text` is cut by Slack at 40,000; as a notification fallback it never needs to be near that. */
  fallbackText: 3000,
} as const;

export interface SlackPlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}

export interface SlackMrkdwn {
  type: 'mrkdwn';
  text: string;
}

export type SlackBlock =
  | { type: 'header'; text: SlackPlainText }
  | { type: 'section'; text: SlackMrkdwn }
  | { type: 'context'; elements: SlackMrkdwn[] };

export interface SlackMessagePayload {
  /** Fallback for notifications and clients without Block Kit; mrkdwn-escaped. */
  text: string;
  blocks: SlackBlock[];
  unfurl_links?: false;
  unfurl_media?: false;
}

export interface SlackStoryRender {
  parent: SlackMessagePayload;
  replies: SlackMessagePayload[];
}

export interface SlackUpdateRender {
  reply: SlackMessagePayload[];
  /** `chat.update` body for the parent (no unfurl options: chat.update does not take them). */
  parentEdit: SlackMessagePayload;
}

// ---- Escaping ----

/**
 * Makes feed text inert as Slack mrkdwn (see `escapeSlackText`). A bare http(s) URL becomes an explicit link,
 * `<url>`, with its characters as written: escaping its `~` or `_` like text would change where it leads.
 */
export function escapeSlack(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const url = trimUrl(match[0]);
    const href = safeHttpUrl(url);
    out += escapeSlackText(text.slice(last, match.index));
    out += href && linkable(url) ? `<${href.replace(/&/g, '&amp;')}>` : escapeSlackText(url);
    last = match.index + url.length;
  }
  return out + escapeSlackText(text.slice(last));
}

/**
 * Makes text inert as Slack mrkdwn, URLs included (a link's label). `&`, `<`, `>` become entities, so
 * `<!channel>`, `<!here>`, `<@U…>` and `<url|text>` from a feed are shown, never parsed. `*`, `_`, `~` and
 * `` ` `` are replaced by look-alikes where they could open or close formatting (next to a space,
 * punctuation or the ends); inside a word (snake_case) they cannot and stay as they are. A `>` after a line
 * start or a space gets an invisible soft hyphen before it, so it cannot begin a quote even at the start of a
 * split piece. `@everyone`, `@here` and `@channel` get a word joiner after the `@`.
 */
function escapeSlackText(text: string): string {
  const chars = [...withoutBidi(text)];
  const escaped = chars
    .map((c, i) => {
      if (c === '&') return '&amp;';
      if (c === '<') return '&lt;';
      if (c === '>') {
        const prev = chars[i - 1];
        return prev === undefined || /\s/.test(prev) ? '\u00ad&gt;' : '&gt;';
      }
      const lookalike = MARKER_LOOKALIKE[c];
      if (lookalike && !(isWordChar(chars[i - 1]) && isWordChar(chars[i + 1]))) return lookalike;
      return c;
    })
    .join('');
  // Bare @-words are not mentions unless a message asks for link_names; a word joiner keeps them inert anyway.
  return escaped.replace(/@(everyone|here|channel)/gi, '@\u2060$1');
}

/** Link text for `<url|text>`: escaped, and `|` (which would end the URL part early) replaced. */
function linkText(text: string): string {
  return escapeSlackText(oneLine(text)).replace(/\|/g, '∣') || 'link';
}

/** Longest `<url|text>` kept: a section (3000) must hold it whole, with the entry around it. */
const LINK_MAX = 2500;

/**
 * `<url|text>` for an http(s) URL, `&` in the URL as `&amp;`; the escaped text alone otherwise. Kept whole as
 * `wholeLink` says: a long text goes in full before a short `(<url|link>)`.
 */
function slackLink(text: string, url: string | undefined): string {
  const plain = escapeSlack(oneLine(text));
  const href = safeHttpUrl(url);
  if (!href) return plain;
  const target = href.replace(/&/g, '&amp;');
  return wholeLink(text, plain, (label) => `<${target}|${linkText(label)}>`, LINK_MAX);
}

/** Slack's own date token, shown in the reader's time zone, with a UTC fallback. */
function slackTime(iso: string): string {
  const unix = unixSeconds(iso);
  const plain = escapeSlack(utcTime(iso));
  return unix === undefined ? plain : `<!date^${unix}^{date_short_pretty} {time}|${plain}>`;
}

// ---- Entries ----

function factEntry(fact: DigestFact): string {
  const said = fact.attribution ? ` — ${escapeSlack(attributionText(fact.attribution))}` : '';
  return `• ${escapeSlack(claimText(fact))}${said} (${escapeSlack(corroborationText(fact))})`;
}

function opinionEntry(o: DigestOpinion): string {
  const href = safeHttpUrl(o.url);
  const link = href ? ` (${slackLink('read', href)})` : '';
  return `• _${kindLabel(o.kind)}_ — *${escapeSlack(oneLine(o.source))}*: ${escapeSlack(oneLine(o.gist))}${link}`;
}

function coverageEntry(c: DigestCoverage): string {
  return `• *${escapeSlack(oneLine(c.source))}* — ${slackLink(c.title, c.url)} · ${slackTime(c.publishedAt)}`;
}

const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });

function blockTextLength(block: SlackBlock): number {
  if (block.type === 'context') return block.elements.reduce((n, e) => n + e.text.length, 0);
  return block.text.text.length;
}

const fallback = (text: string) => truncateWords(escapeSlack(oneLine(text)), SLACK_LIMITS.fallbackText);

const posted = (text: string, blocks: SlackBlock[]): SlackMessagePayload => ({
  text,
  blocks,
  unfurl_links: false,
  unfurl_media: false,
});

interface Heading {
  /** Plain label, for the notification fallback of every message. */
  label: string;
  /** mrkdwn title block opening every message; none for update replies, whose first entry says it all. */
  title?: string;
}

/**
 * Entries as section blocks of at most 3000 characters, grouped into messages of at most 50 blocks and
 * `messageBlockText` characters; "(2/3)" marks the parts when there is more than one message.
 */
function messages(entries: string[], heading: Heading): SlackMessagePayload[] {
  const titleRoom = heading.title ? heading.title.length + ' (99999/99999)'.length : 0;
  const titleBlocks = heading.title ? 1 : 0;
  const sections = packEntries(entries, SLACK_LIMITS.sectionText);
  const groups: string[][] = [];
  let group: string[] = [];
  let used = titleRoom;
  for (const text of sections) {
    const full = group.length + titleBlocks >= SLACK_LIMITS.blocks;
    if (group.length && (full || used + text.length > SLACK_LIMITS.messageBlockText)) {
      groups.push(group);
      group = [];
      used = titleRoom;
    }
    group.push(text);
    used += text.length;
  }
  if (group.length) groups.push(group);
  return groups.map((texts, i) => {
    const part = groups.length > 1 ? ` (${i + 1}/${groups.length})` : '';
    const blocks = texts.map(section);
    if (heading.title) blocks.unshift(section(`${heading.title}${part}`));
    return posted(fallback(`${heading.label}${part}`), blocks);
  });
}

function titled(name: string, note: string): Heading {
  return { title: `*${escapeSlack(name)}* · ${escapeSlack(note)}`, label: `${name} · ${note}` };
}

// ---- Parent ----

interface Parent {
  payload: SlackMessagePayload;
  overflow: string[];
}

function renderParent(digest: StoryDigest): Parent {
  const headline = oneLine(digest.headline) || `Story ${oneLine(digest.id)}`;
  const header = truncateWords(headline, SLACK_LIMITS.headerText);
  const counts = countsLine(digest);

  const coverage = byFirstReport(digest.coverage);
  const first = coverage.find((c) => safeHttpUrl(c.url)) ?? coverage[0];
  const context: SlackMrkdwn[] = [{ type: 'mrkdwn', text: `*${escapeSlack(counts)}*` }];
  if (first) {
    // The outlet name is only a label here (the coverage reply lists it in full), so it may be shortened: to
    // 200 characters as escaped, since an element holds 3000. Escaping at most quintuples a character (`&`).
    const name = truncateWords(oneLine(first.source), 200);
    const outlet = escapeSlack(name).length <= 200 ? name : truncateWords(name, 40);
    context.push({
      type: 'mrkdwn',
      text: `First report: ${slackLink(outlet, first.url)} · ${slackTime(first.publishedAt)}`,
    });
  }
  const contextBlock: SlackBlock = { type: 'context', elements: context };
  const headerBlock: SlackBlock = {
    type: 'header',
    text: { type: 'plain_text', text: header, emoji: false },
  };

  // A headline too long for the header is given in full in the first section.
  const latest = digest.latest
    ? `*Latest:* ${slackLink(digest.latest.title, digest.latest.url)} — ${escapeSlack(oneLine(digest.latest.source))}`
    : '';
  const body = [header === headline ? '' : escapeSlack(headline), escapeSlack(oneLine(digest.lead)), latest]
    .filter(Boolean)
    .join('\n\n');
  const pieces = body ? splitText(body, SLACK_LIMITS.sectionText) : [];
  const blocks: SlackBlock[] = [headerBlock];
  let used = blockTextLength(headerBlock) + blockTextLength(contextBlock);
  let taken = 0;
  for (const piece of pieces) {
    if (blocks.length + 1 >= SLACK_LIMITS.blocks || used + piece.length > SLACK_LIMITS.messageBlockText)
      break;
    blocks.push(section(piece));
    used += piece.length;
    taken++;
  }
  blocks.push(contextBlock);
  return { payload: posted(fallback(`${headline} — ${counts}`), blocks), overflow: pieces.slice(taken) };
}

/** The parent message and thread replies of a newly posted story. */
export function renderSlackStory(digest: StoryDigest): SlackStoryRender {
  const parent = renderParent(digest);
  const replies: SlackMessagePayload[] = [];
  if (parent.overflow.length) {
    replies.push(
      ...messages(parent.overflow, { title: '*Summary (continued)*', label: 'Summary (continued)' }),
    );
  }
  if (digest.facts.length) {
    const title = titled('Reported facts', plural(digest.facts.length, 'fact'));
    replies.push(...messages(digest.facts.map(factEntry), title));
  }
  if (digest.opinion.length) {
    const title = titled('Opinion & analysis', plural(digest.opinion.length, 'piece'));
    replies.push(...messages(digest.opinion.map(opinionEntry), title));
  }
  if (digest.coverage.length) {
    const title = titled('Coverage', plural(digest.coverage.length, 'report'));
    replies.push(...messages(byFirstReport(digest.coverage).map(coverageEntry), title));
  }
  return { parent: parent.payload, replies };
}

/**
 * A story that gained coverage: one reply ("+2 sources: A, B" or "More from A", the new facts, the new opinion
 * and analysis pieces, and the new reports; more messages only if the limits demand it) and the parent's new
 * body with the counts updated.
 */
export function renderSlackUpdate(update: StoryUpdate): SlackUpdateRender {
  const lead = updateLeadLine(update, (label) => `*${label}*`, escapeSlack);
  const entries = [
    lead,
    ...update.newFacts.map(factEntry),
    ...update.newOpinion.map(opinionEntry),
    ...byFirstReport(update.newCoverage).map(coverageEntry),
  ];
  const reply = messages(entries, { label: updateLeadLine(update) });
  const { text, blocks } = renderParent(update.digest).payload;
  return { reply, parentEdit: { text, blocks } };
}

// ---- Validation ----

/** Every Slack limit a payload breaks (empty when it can be sent as is). */
export function slackViolations(payload: SlackMessagePayload): string[] {
  const problems: string[] = [];
  const L = SLACK_LIMITS;
  if (payload.blocks.length > L.blocks) problems.push(`${payload.blocks.length} blocks > ${L.blocks}`);
  if (payload.text.length > L.fallbackText) problems.push(`text ${payload.text.length} > ${L.fallbackText}`);
  let total = 0;
  payload.blocks.forEach((b, i) => {
    const at = `blocks[${i}]`;
    if (b.type === 'header' && b.text.text.length > L.headerText)
      problems.push(`${at} header > ${L.headerText}`);
    if (b.type === 'section' && b.text.text.length > L.sectionText)
      problems.push(`${at} section > ${L.sectionText}`);
    if (b.type === 'context') {
      if (b.elements.length > L.contextElements)
        problems.push(`${at} context elements > ${L.contextElements}`);
      for (const e of b.elements)
        if (e.text.length > L.sectionText) problems.push(`${at} context text > ${L.sectionText}`);
    }
    total += blockTextLength(b);
  });
  if (total > L.messageBlockText) problems.push(`block text ${total} > ${L.messageBlockText}`);
  return problems;
}
