import type { PostedRef, Sink, StoryUpdate } from '../../deliver/sink.js';
import type { StoryDigest } from '../../model.js';

export interface ConsoleSinkOptions {
  minSources: number;
  write?: (text: string) => void;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function outlets(sources: string[]): string {
  return `${plural(sources.length, 'outlet')}: ${sources.join(', ')}`;
}

/** Thread replies of a story digest, as plain text: facts, opinion and coverage apart. */
export function consoleReplies(digest: StoryDigest): string[] {
  const replies: string[] = [];
  if (digest.facts.length) {
    replies.push(
      ['Reported facts', ...digest.facts.map((f) => `• ${f.text} (${outlets(f.sources)})`)].join('\n'),
    );
  }
  if (digest.opinion.length) {
    replies.push(
      ['Opinion & analysis', ...digest.opinion.map((o) => `• [${o.kind}] ${o.source}: ${o.gist}`)].join('\n'),
    );
  }
  replies.push(
    ['Coverage', ...digest.coverage.map((c) => `• ${c.source} — ${c.title}${c.url ? ` <${c.url}>` : ''}`)].join('\n'),
  );
  return replies;
}

/** Prints each story as a parent line followed by its thread replies; updates as further replies. */
export class ConsoleSink implements Sink {
  readonly id = 'console';
  readonly minSources: number;
  private readonly write: (text: string) => void;

  constructor(opts: ConsoleSinkOptions) {
    this.minSources = opts.minSources;
    this.write = opts.write ?? ((text) => process.stdout.write(text));
  }

  async post(digest: StoryDigest): Promise<PostedRef> {
    const lines = [`■ ${digest.headline} — ${plural(digest.outletCount, 'outlet')} [story ${digest.id}]`];
    for (const reply of consoleReplies(digest)) lines.push(indent(reply));
    this.write(`${lines.join('\n')}\n\n`);
    return { parentId: digest.id };
  }

  async update(ref: PostedRef, update: StoryUpdate): Promise<void> {
    const { digest, newCoverage, newFacts } = update;
    const lines = [
      `↻ ${digest.headline} — now ${plural(digest.outletCount, 'outlet')} [story ${ref.parentId}]`,
      indent(
        [
          `+${plural(newCoverage.length, 'source')}: ${newCoverage.map((c) => c.source).join(', ')}`,
          ...newFacts.map((f) => `• ${f.text} (${outlets(f.sources)})`),
        ].join('\n'),
      ),
    ];
    this.write(`${lines.join('\n')}\n\n`);
  }
}

function indent(reply: string): string {
  return reply
    .split('\n')
    .map((line, i) => (i === 0 ? `  ↳ ${line}` : `    ${line}`))
    .join('\n');
}
