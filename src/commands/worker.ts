import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { App } from '../app.js';
import { loadConfig, readSecrets, type Secrets } from '../config/load.js';
import { quietHoldMinutes } from '../config/schema.js';
import { articleAltId } from '../ingest/normalize.js';
import { createLogger } from '../log.js';
import type { Item } from '../model.js';
import { ItemEnricher } from '../pipeline/enrich.js';
import { createDiscordBot } from '../platforms/discord/index.js';
import {
  createSlackAdapter,
  readSlackSecrets,
  type SlackSecrets,
  slackConfigured,
} from '../platforms/slack/index.js';
import { InputError, inputName, readJsonl } from '../util/jsonl.js';
import { asText, toItem } from './item-input.js';

/** A platform could not be reached at start-up; reported as one line, the worker does not start. */
export class StartupError extends Error {
  override name = 'StartupError';
}

interface ConfigOption {
  config?: string;
}

/**
 * A platform's variables set without the one it cannot run without is a mistake (a typo, a token left out),
 * not a wish to run without it: starting anyway would look like success while nothing reached the platform.
 */
function refuseHalfConfigured(secrets: Secrets, slack: SlackSecrets): void {
  const set = (vars: Record<string, string | undefined>) =>
    Object.entries(vars)
      .filter(([, v]) => v)
      .map(([k]) => k);
  const discordVars = set({
    DISCORD_APPLICATION_ID: secrets.discordApplicationId,
    DISCORD_API_URL: secrets.discordApiUrl,
  });
  if (!secrets.discordToken && discordVars.length)
    throw new StartupError(
      `${discordVars.join(' and ')} ${discordVars.length > 1 ? 'are' : 'is'} set but DISCORD_TOKEN is not; set it, or unset them to run without Discord`,
    );
  const slackVars = set({
    SLACK_APP_TOKEN: slack.appToken,
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_CLIENT_ID: slack.clientId,
    SLACK_CLIENT_SECRET: slack.clientSecret,
    SLACK_STATE_SECRET: slack.stateSecret,
    SLACK_API_URL: slack.apiUrl,
  });
  if (!slackConfigured(slack) && slackVars.length) {
    // Name only what is missing: with SLACK_CLIENT_ID set, installs need just SLACK_CLIENT_SECRET.
    const installs = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET'].filter((k) => !slackVars.includes(k));
    throw new StartupError(
      `${slackVars.join(' and ')} ${slackVars.length > 1 ? 'are' : 'is'} set but Slack also needs SLACK_BOT_TOKEN (one workspace) or ${installs.join(' and ')} (installs); set them, or unset the others to run without Slack`,
    );
  }
}

/**
 * Stops a running worker: the pass under way finishes while the platforms are still connected (its
 * deliveries need them), then the platforms disconnect and the store closes.
 */
export async function stopWorker(
  app: Pick<App, 'finish' | 'stop'>,
  platforms: ({ stop(): Promise<unknown> } | undefined)[],
): Promise<void> {
  await app.finish();
  await Promise.allSettled(platforms.map((p) => p?.stop()));
  await app.stop();
}

/** `replay --batch-minutes` at most: a year. */
const MAX_BATCH_MINUTES = 525_600;

/** A platform the worker connects to and disconnects from. */
interface Platform {
  start(): Promise<unknown>;
  stop(): Promise<unknown>;
}

/**
 * The worker as `start` and `poll` run it: the store opened and the stories rebuilt, then every chat platform
 * whose credentials are set connected, so that a pass delivers to its channels. A channel whose platform is
 * missing is skipped by a pass, and the stories of that pass would never reach it.
 */
async function openWorker(
  configFile: string | undefined,
  logger: ReturnType<typeof createLogger>,
  onStoreLost?: () => void,
): Promise<{ app: App; platforms: Platform[] }> {
  const config = loadConfig(configFile);
  const secrets = readSecrets();
  refuseHalfConfigured(secrets, readSlackSecrets());
  // Each platform joins when its credentials are in the environment; with none, the console sink alone.
  const discord = secrets.discordToken ? createDiscordBot({ secrets, config, logger }) : undefined;
  const slack = slackConfigured(readSlackSecrets())
    ? await createSlackAdapter({ config, secrets, logger })
    : undefined;
  const adapters = [discord?.adapter, slack?.adapter].filter((a) => a !== undefined);
  const app = new App(config, { logger, adapters, onStoreLost });
  await app.init();
  discord?.attach(app);
  slack?.attach(app);
  const platforms = [discord, slack].filter((p) => p !== undefined);
  for (const [name, platform] of [
    ['Discord', discord],
    ['Slack', slack],
  ] as const) {
    try {
      await platform?.start();
    } catch (err) {
      await Promise.allSettled([...platforms.map((p) => p.stop()), app.stop()]);
      throw new StartupError(`${name}: cannot connect (${(err as Error).message})`);
    }
  }
  return { app, platforms };
}

/** `start`, `poll --once` and `replay`: the commands that run the whole pipeline. */
export function registerWorkerCommands(program: Command): void {
  program
    .command('start')
    .description('run the worker: poll feeds on schedule, cluster stories, deliver digests')
    .option('-c, --config <file>', 'config file merged over config/default.yaml')
    .action(async (opts: ConfigOption) => {
      const logger = createLogger();
      // Another worker took the store (this one stalled past its lease): stop, and exit with an error.
      let halt: (reason: string) => void = () => undefined;
      const { app, platforms } = await openWorker(opts.config, logger, () => {
        process.exitCode = 1;
        halt('store taken');
      });
      app.start();
      logger.info(
        {
          store: app.store.url,
          feeds: app.config.feeds.length,
          schedule: app.config.pollCron,
          platforms: [...app.platforms()],
        },
        'worker started',
      );
      await new Promise<void>((resolve) => {
        let stopping = false;
        const shutdown = (signal: string) => {
          if (stopping) return;
          stopping = true;
          logger.info({ signal }, 'shutting down');
          stopWorker(app, platforms).then(
            () => {
              logger.info('worker stopped; the store is closed');
              resolve();
            },
            (err) => {
              logger.error({ err }, 'shutdown failed');
              resolve();
            },
          );
        };
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
        halt = shutdown;
        if (app.storeTaken) shutdown('store taken');
      });
    });

  program
    .command('poll')
    .description(
      'one pass of the worker: poll the feeds, deliver what is new and the daily digests due, then exit',
    )
    .option('--once', 'one pass (the default; kept for clarity)', true)
    .option('-c, --config <file>', 'config file merged over config/default.yaml')
    .action(async (opts: ConfigOption) => {
      const logger = createLogger();
      const { app, platforms } = await openWorker(opts.config, logger);
      try {
        const { poll } = await app.pollOnce(true);
        await app.dailyTick();
        // For cron and scripts: a pass in which no feed could be fetched or read is a failure.
        if (poll.polled > 0 && poll.failed === poll.polled) {
          process.stderr.write(`error: all ${poll.failed} feeds failed; the log says why for each\n`);
          process.exitCode = 1;
        }
      } finally {
        await stopWorker(app, platforms);
      }
    });

  program
    .command('replay')
    .description('run archived items through the whole pipeline in time order, as if they arrived live')
    .requiredOption('-i, --input <path>', 'JSON-lines file, a folder of .jsonl files, or - for stdin')
    .option('--batch-minutes <n>', 'items are delivered in polling batches this many minutes apart', '15')
    .option('--store <url>', 'store URL (memory:// is a throw-away store)', 'memory://')
    .option('-c, --config <file>', 'config file merged over config/default.yaml')
    .action(async (opts: ConfigOption & { input: string; batchMinutes: string; store: string }) => {
      const minutes = Number(opts.batchMinutes);
      // Past a year a batch holds any archive, and the worker's clock would run off the end of time.
      if (!Number.isFinite(minutes) || minutes <= 0 || minutes > MAX_BATCH_MINUTES)
        throw new InputError(
          `--batch-minutes must be a positive number of minutes, at most ${MAX_BATCH_MINUTES}`,
        );
      const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
      const config = { ...loadConfig(opts.config), store: opts.store, feeds: [] };
      // Archived items are classified like live ones, but no page is fetched: a replay stays offline.
      const items = await new ItemEnricher(config.fetch, logger).enrich(await readArchive(opts.input), []);
      // The worker's clock follows the archive, each pass at the end of its polling interval, so that quiet
      // coverage is held back for as long in archive time as it would be live.
      let clock = items.length ? Date.parse(items[0]!.publishedAt) : Date.now();
      const app = new App(config, { logger, now: () => new Date(clock) });
      try {
        await app.init();
        for (const { at, items: batch } of timeBatches(items, minutes * 60_000)) {
          clock = at;
          await app.engine.ingest(batch);
          // On a memory store a pass never waits for I/O: let the event loop run between passes, so that a
          // reader closing the pipe (`| head`) is noticed at once, not after the whole archive.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        // Coverage still held back at the end goes out when its hold runs out, as a running worker sends it.
        clock += quietHoldMinutes(config) * 60_000;
        await app.engine.ingest([]);
      } finally {
        await app.stop();
      }
    });
}

/**
 * Reads archived items from a JSONL file, every `.jsonl` file in a folder, or standard input (`-`), sorted by
 * publication time.
 */
export async function readArchive(path: string): Promise<Item[]> {
  let files: string[];
  try {
    files =
      path === '-'
        ? [path]
        : statSync(path).isDirectory()
          ? readdirSync(path)
              .filter((f) => f.endsWith('.jsonl'))
              .sort()
              .map((f) => join(path, f))
          : [path];
  } catch {
    throw new InputError(`cannot read ${path}: no such file or folder`);
  }
  const items: Item[] = [];
  for (const file of files) {
    // An item without a date takes the previous item's, as in `cluster`: at the epoch it would sort first and
    // go cold before the dated coverage around it arrived, and drop out of the story it belongs to.
    let lastTime = new Date(0).toISOString();
    for await (const { line, value } of readJsonl(file)) {
      // Archives of raw feed items carry no id: the link (or title) identifies them, as in a live poll, and an
      // article filed under two paths is one item there too.
      const derived = value.id === undefined;
      if (derived) {
        const basis = String(value.url ?? value.link ?? value.title ?? line);
        value.id = createHash('sha1').update(basis).digest('hex').slice(0, 16);
      }
      const item = asText(toItem(value, `${inputName(file)}: line ${line}`, lastTime));
      const article = derived && item.url ? articleAltId(item.url) : undefined;
      if (article) item.altIds = [article];
      lastTime = item.publishedAt;
      items.push(item);
    }
  }
  // A stable sort keeps file order among items published at the same moment.
  return items.sort((a, b) => a.publishedAt.localeCompare(b.publishedAt));
}

/**
 * Splits time-ordered items into the batches a poller running every `spanMs` would have seen, each with the
 * time of the poll that saw it (`at`, epoch ms).
 */
export function* timeBatches(items: Item[], spanMs: number): Generator<{ at: number; items: Item[] }> {
  let batch: Item[] = [];
  let end = Number.NEGATIVE_INFINITY;
  for (const item of items) {
    const t = Date.parse(item.publishedAt);
    if (t >= end && batch.length) {
      yield { at: end, items: batch };
      batch = [];
    }
    if (!batch.length) end = Math.floor(t / spanMs) * spanMs + spanMs;
    batch.push(item);
  }
  if (batch.length) yield { at: end, items: batch };
}
