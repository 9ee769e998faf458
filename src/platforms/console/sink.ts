import type { PostedRef, Sink, StoryUpdate } from '../../deliver/sink.js';
import type { StoryDigest } from '../../model.js';
import { renderConsoleStory, renderConsoleUpdate } from './render.js';

export interface ConsoleSinkOptions {
  minSources: number;
  write?: (text: string) => void;
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
    this.write(`${renderConsoleStory(digest)}\n\n`);
    return { parentId: digest.id };
  }

  async update(_ref: PostedRef, update: StoryUpdate): Promise<void> {
    this.write(`${renderConsoleUpdate(update)}\n\n`);
  }
}
