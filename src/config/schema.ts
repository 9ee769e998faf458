import cron from 'node-cron';
import { z } from 'zod';
import { parseAllowEntry } from '../ingest/ssrf.js';
import { slackConfigSchema } from '../platforms/slack/config.js';

const feedSchema = z
  .object({
    url: z
      .url({ protocol: /^https?$/ })
      // The fetcher refuses such URLs, and a password in the config would end up in every log line about it.
      .refine((u) => {
        const { username, password } = new URL(u);
        return !username && !password;
      }, 'must not carry a user name or password (the fetcher refuses them)'),
    name: z.string().min(1).optional(),
    kind: z.enum(['report', 'opinion', 'analysis']).default('report'),
    /** Fetch the article page when the feed carries only a summary. */
    fetchArticles: z.boolean().default(true),
  })
  .strict();

export const configSchema = z
  .object({
    store: z
      .string()
      .regex(
        /^(sqlite|memory|redis|rediss|postgres|postgresql):\/\//,
        'must be sqlite://, redis:// (rediss:// for TLS), postgres:// or memory://',
      )
      // A server address must parse (a port out of range, a stray character); the message shows none of it.
      .refine((url) => /^(sqlite|memory):/.test(url) || URL.canParse(url), 'is not a valid URL')
      .default('sqlite://./data/threadline.sqlite'),
    pollCron: z
      .string()
      .refine((expr) => cron.validate(expr), 'not a valid cron expression')
      .default('*/5 * * * *'),
    fetch: z
      .object({
        timeoutMs: z.number().int().min(100).max(120_000).default(15_000),
        maxBytes: z.number().int().min(1024).max(100_000_000).default(5_000_000),
        maxRedirects: z.number().int().min(0).max(20).default(5),
        userAgent: z.string().min(1).default('Threadline/0.1'),
        concurrency: z.number().int().min(1).max(256).default(8),
        allowPrivate: z
          .array(
            z.string().superRefine((entry, ctx) => {
              const read = parseAllowEntry(entry);
              if (read.kind === 'invalid') ctx.addIssue({ code: 'custom', message: read.reason });
            }),
          )
          .default([]),
        connectTimeoutMs: z.number().int().min(100).max(60_000).optional(),
        perHostConcurrency: z.number().int().min(1).max(64).default(2),
        minIntervalMinutes: z.number().min(1).max(1440).default(5),
        maxIntervalMinutes: z.number().min(1).max(10_080).default(360),
        maxBackoffMinutes: z.number().min(1).max(10_080).default(1440),
        pauseAfterFailures: z.number().int().min(1).max(1000).default(5),
      })
      .strict()
      .default({
        timeoutMs: 15_000,
        maxBytes: 5_000_000,
        maxRedirects: 5,
        userAgent: 'Threadline/0.1',
        concurrency: 8,
        allowPrivate: [],
        perHostConcurrency: 2,
        minIntervalMinutes: 5,
        maxIntervalMinutes: 360,
        maxBackoffMinutes: 1440,
        pauseAfterFailures: 5,
      }),
    cluster: z
      .object({
        windowHours: z
          .number()
          .positive()
          .max(24 * 90)
          .default(72),
        retentionDays: z.number().positive().max(3650).default(14),
      })
      .strict()
      .refine((c) => c.retentionDays * 24 >= c.windowHours, {
        message: 'must cover cluster.windowHours, or a restart would forget live stories',
        path: ['retentionDays'],
      })
      .default({ windowHours: 72, retentionDays: 14 }),
    updates: z
      .object({
        // Coverage that brings no new outlet, fact or opinion piece waits this long for something new to go
        // with; unset, see `quietHoldMinutes`.
        quietHoldMinutes: z.number().min(0).max(1440).optional(),
        // A story is first posted only while its newest coverage is at most this old; 0: no limit.
        maxStoryAgeHours: z
          .number()
          .min(0)
          .max(24 * 365)
          .default(24),
      })
      .strict()
      .default({ maxStoryAgeHours: 24 }),
    feeds: z.array(feedSchema).default([]),
    slack: slackConfigSchema,
    sinks: z
      .object({
        console: z
          .object({ enabled: z.boolean().default(true), minSources: z.number().int().min(1).default(2) })
          .strict()
          .default({ enabled: true, minSources: 2 }),
      })
      .strict()
      .default({ console: { enabled: true, minSources: 2 } }),
  })
  .strict()
  .refine((c) => (c.updates.quietHoldMinutes ?? 0) < c.cluster.windowHours * 60, {
    message: 'must be shorter than cluster.windowHours, or held coverage could outlive its story',
    path: ['updates', 'quietHoldMinutes'],
  });

export type Config = z.infer<typeof configSchema>;

/** How long quiet coverage is held back (minutes): as configured, else three hours or half the window if less. */
export function quietHoldMinutes(config: Pick<Config, 'updates' | 'cluster'>): number {
  return config.updates.quietHoldMinutes ?? Math.min(180, config.cluster.windowHours * 30);
}
export type FeedConfig = z.infer<typeof feedSchema>;
