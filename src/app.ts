import cron, { type ScheduledTask } from 'node-cron';
import type { Config } from './config/schema.js';
import type { Sink } from './deliver/sink.js';
import type { Logger } from './log.js';
import { type IngestSummary, StoryEngine } from './pipeline/engine.js';
import { type PollSummary, pollFeeds } from './pipeline/poller.js';
import { ConsoleSink } from './platforms/console/sink.js';
import { openStore, type Store } from './store/index.js';

export interface AppOptions {
  logger: Logger;
  /** Extra sinks (tests, platforms); the console sink is added when enabled in config. */
  sinks?: Sink[];
  now?: () => Date;
  write?: (text: string) => void;
}

export interface PassSummary {
  poll: Omit<PollSummary, 'items' | 'commit'> & { items: number };
  ingest: IngestSummary;
}

/** Composition root: the only place that wires config, store, ingest, engine and sinks together. */
export class App {
  readonly store: Store;
  readonly engine: StoryEngine;
  private readonly sinks: Sink[];
  private task?: ScheduledTask;
  private running?: Promise<unknown>;

  constructor(
    readonly config: Config,
    private readonly opts: AppOptions,
  ) {
    this.store = openStore(config.store);
    this.sinks = [...(opts.sinks ?? [])];
    if (config.sinks.console.enabled) {
      this.sinks.unshift(new ConsoleSink({ minSources: config.sinks.console.minSources, write: opts.write }));
    }
    this.engine = new StoryEngine({ store: this.store, sinks: () => this.sinks, logger: opts.logger });
  }

  async init(): Promise<void> {
    await this.engine.init();
  }

  /** One pass: poll due feeds, store new items, then persist feed states, cluster and deliver. */
  async pollOnce(force = false): Promise<PassSummary> {
    const poll = await pollFeeds(
      this.config.feeds,
      this.store,
      this.config.fetch,
      this.opts.logger,
      this.opts.now,
      force,
    );
    const ingest = await this.engine.ingest(poll.items, poll.commit);
    const { items, commit: _commit, ...counts } = poll;
    const summary = { poll: { ...counts, items: items.length }, ingest };
    this.opts.logger.info(summary, 'poll pass done');
    return summary;
  }

  /** Runs the worker: a pass now, then on the configured cron schedule, never two passes at once. */
  start(): void {
    const pass = () => {
      if (this.running) return;
      this.running = this.pollOnce()
        .catch((err) => this.opts.logger.error({ err }, 'poll pass failed'))
        .finally(() => {
          this.running = undefined;
        });
    };
    this.task = cron.schedule(this.config.pollCron, pass, { noOverlap: true, name: 'poll' });
    pass();
  }

  /** Stops scheduling, waits for the pass under way, and closes the store. */
  async stop(): Promise<void> {
    await this.task?.stop();
    this.task = undefined;
    await this.running;
    await this.store.close();
  }
}
