import type { DigestOpinion, Item } from '../model.js';
import type { ItemAnalysis, Unit, UnitSection } from './analyse.js';
import {
  centroid,
  cosine,
  documentFrequencies,
  idfFromCounts,
  isComplete,
  isPhotoCaption,
  type Vector,
  weigh,
} from './text.js';

type OpinionKind = DigestOpinion['kind'];

interface Piece {
  kind: OpinionKind;
  heading?: string;
  units: Unit[];
}

/** An opinion, analysis or advocacy piece of one item and its gist. */
export interface OpinionPiece {
  kind: OpinionKind;
  gist: string;
}

/** A report whose own voice (opinion-labelled sentences) is at least this share and count is also analysis. */
const SPECULATION_SHARE = 0.25;
const SPECULATION_MIN = 5;
const GIST_MAX_CHARS = 400;

/** "1. Stay Informed: Understanding …" → "Understanding …"; list numbering and run-in labels are not the gist. */
function stripListLabel(text: string): string {
  return text
    .replace(/^\s*(?:[-–•*]|\d+[.)])\s+/, '')
    .replace(/^[^:.!?]{1,50}:\s+(?=[\p{Lu}"“])/u, '')
    .replace(/^\s*[-–•*]\s+/, '');
}

/** A sentence fit to stand for a piece; list entries only when `lists` allows them. */
function gistCandidate(unit: Unit, lists: boolean): string | undefined {
  const text = stripListLabel(unit.text).trim();
  const stripped = text !== unit.text.trim();
  if (!lists && stripped) return undefined;
  const words = stripped ? text.split(/\s+/).length : unit.words;
  if (words < 8 || words > 60 || !isComplete(text) || /\?["'”’)]*$/.test(text)) return undefined;
  // A caption describes the picture, not what the piece argues; checked last, as a dated one is tagged.
  return isPhotoCaption(text) ? undefined : text;
}

/**
 * The one or two sentences of a piece closest to what the piece as a whole says (and, a little, to the whole
 * item), in their original order; one when two would be too long.
 */
function gistOf(piece: Piece, idf: Map<string, number>, item: Vector, fallback: string): string {
  const vectors = piece.units.map((u) => weigh(u.tf, idf));
  const own = centroid(vectors);
  const candidates = (lists: boolean) =>
    piece.units
      .map((u, i) => ({ i, text: gistCandidate(u, lists), v: vectors[i]! }))
      .filter((c): c is { i: number; text: string; v: Vector } => c.text !== undefined);
  // Prose says what a piece argues better than its to-do list does.
  const prose = candidates(false);
  const scored = (prose.length ? prose : candidates(true))
    .map((c) => ({ ...c, score: 0.7 * cosine(c.v, own) + 0.3 * cosine(c.v, item) }))
    .sort((a, b) => b.score - a.score || a.i - b.i);
  if (!scored.length) {
    const any = piece.units.find(
      (u) => u.words >= 4 && !u.text.trim().endsWith(':') && !isPhotoCaption(u.text.trim()),
    );
    return any?.text ?? piece.heading ?? fallback;
  }
  const top = scored.slice(0, 2).sort((a, b) => a.i - b.i);
  const both = top.map((t) => t.text).join(' ');
  return top.length === 2 && both.length <= GIST_MAX_CHARS ? both : scored[0]!.text;
}

/**
 * The opinion pieces of one report: each labelled section ("Opinion:", "To Do:") with the sub-sections under
 * it, and — when the report speaks in its own voice often enough — its speculation and analysis sections
 * together as one analysis entry.
 */
function piecesOfReport(analysis: { sections: UnitSection[] }): Piece[] {
  const pieces: Piece[] = [];
  let current: Piece | undefined;
  let reportUnits = 0;
  const ownVoice: Unit[] = [];
  for (const section of analysis.sections) {
    if (section.kind === 'report') {
      current = undefined;
      reportUnits += section.units.length;
      for (const u of section.units) if (u.label === 'opinion') ownVoice.push(u);
      continue;
    }
    // A heading written as a label ("To Do:") starts a piece; question or title headings right under it
    // ("What Can We Personally Do About This?") continue that piece.
    const startsPiece = !current || current.kind !== section.kind || /:\s*$/.test(section.heading ?? '');
    if (startsPiece) {
      current = { kind: section.kind as OpinionKind, heading: section.heading, units: [] };
      pieces.push(current);
    }
    current!.units.push(...section.units);
  }
  const speculative =
    ownVoice.length >= SPECULATION_MIN && ownVoice.length >= SPECULATION_SHARE * Math.max(1, reportUnits);
  if (!speculative) return pieces;
  const analysisUnits = pieces.filter((p) => p.kind === 'analysis').flatMap((p) => p.units);
  const rest = pieces.filter((p) => p.kind !== 'analysis');
  return [{ kind: 'analysis', units: [...ownVoice, ...analysisUnits] }, ...rest];
}

/**
 * The pieces of one item: the whole item when it is opinion, analysis or advocacy, else the opinion pieces
 * inside the report. Gists depend on the item alone, so they are worked out once per item.
 */
export function opinionPieces(
  analysis: Pick<ItemAnalysis, 'kind' | 'sections'>,
  title: string,
): OpinionPiece[] {
  const pieces: Piece[] =
    analysis.kind === 'report'
      ? piecesOfReport(analysis).filter((p) => p.units.length)
      : [{ kind: analysis.kind, units: analysis.sections.flatMap((s) => s.units) }];
  if (!pieces.length) return [];
  const units = analysis.sections.flatMap((s) => s.units);
  const idf = idfFromCounts([documentFrequencies(units.map((u) => u.termSet))], units.length);
  const whole = centroid(units.map((u) => weigh(u.tf, idf)));
  return pieces.map((piece) => ({ kind: piece.kind, gist: gistOf(piece, idf, whole, title) }));
}

/** One entry per opinion, analysis or advocacy item, and per opinion piece inside a report, in publication order. */
export function opinionEntries(items: readonly Item[], analyses: readonly ItemAnalysis[]): DigestOpinion[] {
  return items.flatMap((item, i) =>
    analyses[i]!.pieces.map((piece): DigestOpinion => {
      const entry: DigestOpinion = {
        source: item.source,
        kind: piece.kind,
        gist: piece.gist,
        itemId: item.id,
      };
      if (item.url) entry.url = item.url;
      return entry;
    }),
  );
}
