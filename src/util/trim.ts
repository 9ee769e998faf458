/**
 * `text` without its trailing run of characters from `chars` (and of whitespace, when `whitespace` is set).
 * A pattern such as `/[,\s]+$/` retries from every character of a long run that does not end the text, which is
 * quadratic: 64 KB of commas before a letter take seconds. This walks back from the end once.
 */
export function trimTrailing(text: string, chars: string, whitespace = false): string {
  let end = text.length;
  while (end > 0) {
    const c = text[end - 1]!;
    if (!chars.includes(c) && !(whitespace && /\s/.test(c))) break;
    end--;
  }
  return end === text.length ? text : text.slice(0, end);
}
