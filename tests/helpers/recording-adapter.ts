import type { ChannelSettings, Platform } from '../../src/deliver/channels.js';
import { type ChatAdapter, PlatformError, type PlatformErrorKind } from '../../src/deliver/platform.js';
import type { PostedRef, StoryUpdate } from '../../src/deliver/sink.js';
import type { StoryDigest } from '../../src/model.js';

/** A ChatAdapter that records what the delivery layer asked for; for tests of that layer's own logic. */
export class RecordingAdapter implements ChatAdapter {
  readonly stories: { channel: string; headline: string; key: string; storyId: string }[] = [];
  readonly updates: { channel: string; parentId: string; key: string; newSources: string[] }[] = [];
  readonly notices: { channel: string; text: string; key: string }[] = [];
  private failures: { op: 'post' | 'update' | 'notice'; kind: PlatformErrorKind }[] = [];
  private n = 0;

  constructor(readonly platform: Platform = 'discord') {}

  failNext(op: 'post' | 'update' | 'notice', kind: PlatformErrorKind = 'transient'): void {
    this.failures.push({ op, kind });
  }

  private maybeFail(op: 'post' | 'update' | 'notice'): void {
    const i = this.failures.findIndex((f) => f.op === op);
    if (i < 0) return;
    const [failure] = this.failures.splice(i, 1);
    throw new PlatformError(`${op} refused`, failure!.kind);
  }

  async postStory(channel: ChannelSettings, digest: StoryDigest, key: string): Promise<PostedRef> {
    this.maybeFail('post');
    this.stories.push({ channel: channel.key, headline: digest.headline, key, storyId: digest.id });
    return { parentId: `m${++this.n}`, threadId: `t${this.n}` };
  }

  async updateStory(
    channel: ChannelSettings,
    ref: PostedRef,
    update: StoryUpdate,
    key: string,
  ): Promise<void> {
    this.maybeFail('update');
    this.updates.push({
      channel: channel.key,
      parentId: ref.parentId,
      key,
      newSources: update.newCoverage.map((c) => c.source),
    });
  }

  async postNotice(channel: ChannelSettings, text: string, key: string): Promise<PostedRef> {
    this.maybeFail('notice');
    this.notices.push({ channel: channel.key, text, key });
    return { parentId: `n${++this.n}` };
  }
}
