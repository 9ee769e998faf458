import { isClauseVerb, isKnownWord, tagSentence } from './pos.js';

/**
 * Words a sentence does not end on: a feed that cuts its summary at a word boundary without an ellipsis
 * ("…after he allegedly stabbed one of the") leaves one of these last more often than not.
 */
const NOT_LAST =
  /^(the|a|an|of|to|in|on|at|by|for|from|with|into|onto|over|under|about|after|before|since|until|than|as|and|or|but|nor|so|if|that|which|who|whom|whose|when|where|while|because|his|her|their|its|our|your|my|this|these|those|is|are|was|were|be|been|being|has|have|had|will|would|can|could|should|may|might|must|not|no|very|more|most)$/i;

/** A summary's end that shows it was cut or runs on: an ellipsis, a comma, a colon or a dash. */
const OPEN_END = /(?:…|\.\.\.|[,;:–—-])["'”’»)\]]*$/;

/** Ends with terminal punctuation, possibly inside closing quotes or brackets. */
const CLOSED = /[.!?]["'”’»)\]]*$/;

const MIN_WORDS = 6;
/** Longer one-sentence summaries are more often a page's opening cut at a length than a lede. */
const MAX_WORDS = 50;

/**
 * The full stop some feeds drop from their one-sentence summaries, put back: ABC News runs the AP lede and RT its
 * standfirst without one ("A moderate earthquake shook eastern Myanmar on Friday morning"), and a sentence without
 * its stop is not told from an excerpt cut short, so it would never be a reported fact. The sentence is taken
 * as whole only when nothing says it was cut: it ends on a word the tagger knows, or a name or a number (not on a
 * fragment, "TikTok will proh"), that can end a sentence (not "the" or "of"), not on an ellipsis, a comma, a dash
 * or a bracket (a photo credit), and it has a verb that can head a clause. Anything else is returned unchanged.
 */
export function closedSummarySentence(sentence: string): string {
  const t = sentence.trim();
  if (CLOSED.test(t) || OPEN_END.test(t) || /[)\]]$/.test(t)) return sentence;
  const words = t.split(/\s+/);
  if (words.length < MIN_WORDS || words.length > MAX_WORDS) return sentence;
  const last = words[words.length - 1]!.replace(/["'”’»]+$/, '');
  if (!/[\p{L}\p{N}]$/u.test(last) || NOT_LAST.test(last) || /^\p{Ll}$/u.test(last)) return sentence;
  const known = /\p{N}/u.test(last) || /^\p{Lu}/u.test(last) || isKnownWord(last.replace(/['’]s$/, ''));
  if (!known) return sentence;
  const tokens = tagSentence(t);
  if (!tokens.some((tok, i) => isClauseVerb(tok, tokens[i - 1]))) return sentence;
  return `${t}.`;
}
