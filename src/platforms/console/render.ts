/**
 * Plain-text rendering of a story digest for the console: a parent line, then the thread replies indented
 * under it. Feed text is collapsed to one line with control characters removed, so a feed cannot move the
 * cursor, recolour the terminal or fake further lines.
 */
import type { StoryUpdate } from '../../deliver/sink.js';
import type { DigestCoverage, DigestFact, DigestOpinion, StoryDigest } from '../../model.js';
import {
  attributionText,
  byFirstReport,
  claimText,
  corroborationText,
  countsLine,
  kindLabel,
  oneLine,
  plural,
  updateLeadLine,
  utcTime,
} from '../split.js';

function factLine(fact: DigestFact): string {
  const said = fact.attribution ? ` — ${attributionText(fact.attribution)}` : '';
  return `• ${claimText(fact)}${said} (${corroborationText(fact)})`;
}

function opinionLine(o: DigestOpinion): string {
  return `• [${kindLabel(o.kind)}] ${oneLine(o.source)}: ${oneLine(o.gist)}${o.url ? ` <${oneLine(o.url)}>` : ''}`;
}

function coverageLine(c: DigestCoverage): string {
  const url = c.url ? ` <${oneLine(c.url)}>` : '';
  return `• ${oneLine(c.source)} — ${oneLine(c.title)}${url} (${utcTime(c.publishedAt)})`;
}

/** First line of a reply gets the thread arrow, the rest are indented beneath it. */
function indent(reply: string[]): string {
  return reply.map((line, i) => (i === 0 ? `  ↳ ${line}` : `    ${line}`)).join('\n');
}

/** Thread replies of a story digest, as plain text: facts, opinion and coverage apart. */
export function consoleReplies(digest: StoryDigest): string[][] {
  const replies: string[][] = [];
  if (digest.facts.length) replies.push(['Reported facts', ...digest.facts.map(factLine)]);
  if (digest.opinion.length) replies.push(['Opinion & analysis', ...digest.opinion.map(opinionLine)]);
  replies.push(['Coverage', ...byFirstReport(digest.coverage).map(coverageLine)]);
  return replies;
}

/**
 * "■ Headline — 5 outlets · 12 facts · 2 opinion pieces [story id]", the latest development of a story that
 * moved on, and the indented replies.
 */
export function renderConsoleStory(digest: StoryDigest): string {
  const headline = oneLine(digest.headline);
  const lines = [`■ ${headline} — ${countsLine(digest)} [story ${oneLine(digest.id)}]`];
  const latest = digest.latest;
  if (latest)
    lines.push(
      `    Latest: ${oneLine(latest.title)} — ${oneLine(latest.source)} (${utcTime(latest.publishedAt)})`,
    );
  for (const reply of consoleReplies(digest)) lines.push(indent(reply));
  return lines.join('\n');
}

/**
 * "↻ Headline — now 6 outlets [story id]" and one reply: "+2 sources: A, B" or "More from A", the new facts, the
 * new opinion and analysis pieces, and the new reports, as the chat platforms show it.
 */
export function renderConsoleUpdate(update: StoryUpdate): string {
  const { digest, newFacts, newOpinion, newCoverage } = update;
  const lead = updateLeadLine(update);
  return [
    `↻ ${oneLine(digest.headline)} — now ${plural(digest.outletCount, 'outlet')} [story ${oneLine(digest.id)}]`,
    indent([
      lead,
      ...newFacts.map(factLine),
      ...newOpinion.map(opinionLine),
      ...byFirstReport(newCoverage).map(coverageLine),
    ]),
  ].join('\n');
}
