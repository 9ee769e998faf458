import { type Logger, silentLogger } from '../log.js';
import type { StoryDigest } from '../model.js';
import type { ChannelSettings, ChannelStore } from './channels.js';
import { channelWants, newsSince } from './matching.js';
import { type ChatAdapter, PlatformError } from './platform.js';
import type { PostedRef, Sink, StoryUpdate } from './sink.js';

/**
 * One subscribed channel as a delivery target. A refusal that retrying cannot fix (deleted channel, missing
 * permissions) pauses the channel, once, instead of failing on every pass.
 */
export class ChannelSink implements Sink {
  readonly id: string;
  readonly minSources: number;
  private readonly logger: Logger;
  private readonly mayPost: () => boolean;

  constructor(
    private readonly channel: ChannelSettings,
    private readonly adapter: ChatAdapter,
    private readonly channels: ChannelStore,
    opts: {
      idSuffix?: string;
      minSources?: number;
      logger?: Logger;
      /**
       * Whether this worker may still post: false once another has taken the store, which delivers from
       * then on (a post after that would be its second).
       */
      mayPost?: () => boolean;
    } = {},
  ) {
    this.mayPost = opts.mayPost ?? (() => true);
    this.logger = opts.logger ?? silentLogger;
    this.id = opts.idSuffix ? `${channel.key}|${opts.idSuffix}` : channel.key;
    this.minSources = opts.minSources ?? channel.minSources;
  }

  wants(items: Parameters<typeof channelWants>[1]): boolean {
    return !this.channel.paused && channelWants(this.channel, items);
  }

  newsSince(items: Parameters<typeof newsSince>[1]): number | undefined {
    return newsSince(this.channel, items);
  }

  post(digest: StoryDigest, key: string): Promise<PostedRef> {
    return this.guard(() => this.adapter.postStory(this.channel, digest, key));
  }

  update(ref: PostedRef, update: StoryUpdate, key: string, since?: number): Promise<void> {
    return this.guard(() => this.adapter.updateStory(this.channel, ref, update, key, since));
  }

  /** A plain notice in the channel (a digest header, a feed's health), guarded like a story post. */
  notice(text: string, key: string): Promise<PostedRef> {
    return this.guard(() => this.adapter.postNotice(this.channel, text, key));
  }

  /** A post made under `key` before a crash; `notice` is the text, when what was posted was a notice. */
  recover(key: string, since?: number, notice?: string): Promise<PostedRef | undefined> {
    return this.adapter.recover
      ? this.adapter.recover(this.channel, key, since, notice)
      : Promise.resolve(undefined);
  }

  private async guard<T>(act: () => Promise<T>): Promise<T> {
    if (!this.mayPost()) throw new Error('another worker has taken the store and delivers from now on');
    try {
      return await act();
    } catch (err) {
      if (err instanceof PlatformError && (err.kind === 'gone' || err.kind === 'forbidden')) {
        await pauseChannel(this.channels, this.channel, err.message, this.logger);
      }
      throw err;
    }
  }
}

/**
 * Pauses a channel's deliveries with a reason shown by the subscriptions command, and reports it in one log
 * line; a no-op if already paused, so a refusal is reported once however often it recurs.
 */
export async function pauseChannel(
  channels: ChannelStore,
  channel: ChannelSettings,
  reason: string,
  logger: Logger,
): Promise<void> {
  let newly = false;
  const after = await channels.update(channel, (current) => {
    if (current.paused) return undefined;
    newly = true;
    return { ...current, paused: { reason, at: new Date().toISOString() } };
  });
  if (newly)
    logger.warn(
      { channel: channel.key, reason },
      `${channel.platform} refused delivery; channel paused until a configuration command is given there`,
    );
  channel.paused = after.paused;
}
