/** The `slack` config section and the Slack secrets read from the environment. */
import { z } from 'zod';

/** Bot scopes the app needs; the manifest (slack-manifest.yaml) and the OAuth install ask for these. */
export const SLACK_BOT_SCOPES = [
  'commands',
  'chat:write',
  'channels:read',
  'groups:read',
  'channels:history',
  'groups:history',
  'users:read',
  'files:read',
] as const;

const slashCommand = z.string().regex(/^\/[a-z0-9_-]{1,31}$/, 'a slash command such as /story');

export const slackConfigSchema = z
  .object({
    /** Socket Mode needs no public URL (SLACK_APP_TOKEN); HTTP mode receives signed requests on `port`. */
    mode: z.enum(['socket', 'http']).default('socket'),
    /** HTTP mode's listening port (env PORT wins); in Socket Mode, only the OAuth install pages use it. */
    port: z.number().int().min(0).max(65_535).default(3000),
    /**
     * Who may change a channel's subscriptions and digest settings, and list or export its feeds (their addresses
     * can carry access keys). `/story` and `help` are open.
     */
    whoCanConfigure: z.enum(['admins', 'channel-managers', 'everyone']).default('admins'),
    commands: z
      .object({ story: slashCommand.default('/story'), manage: slashCommand.default('/threadline') })
      .strict()
      .prefault({}),
    /** Multi-workspace install; active when SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET are set. */
    oauth: z
      .object({
        scopes: z
          .array(z.string().min(1))
          .min(1)
          .default([...SLACK_BOT_SCOPES]),
        installPath: z.string().startsWith('/').default('/slack/install'),
        redirectUriPath: z.string().startsWith('/').default('/slack/oauth_redirect'),
        /** The public URL of `redirectUriPath`, when the app's settings list more than one. */
        redirectUri: z.url({ protocol: /^https?$/ }).optional(),
      })
      .strict()
      .prefault({}),
    delivery: z
      .object({
        /** Tries per Web API call (rate limits and unanswered calls included). */
        attempts: z.number().int().min(1).max(10).default(4),
        /** First wait after a 5xx or network error; doubles each time. */
        backoffMs: z.number().int().min(0).max(60_000).default(1000),
        /** A longer Retry-After ends this pass's attempt; the next pass retries with the same key. */
        maxRateLimitWaitSeconds: z.number().int().min(0).max(600).default(60),
        timeoutMs: z.number().int().min(100).max(120_000).default(15_000),
        /** Pages of 100 messages searched for a post whose answer was lost in flight (latest first). */
        historyPages: z.number().int().min(1).max(20).default(3),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export type SlackConfig = z.infer<typeof slackConfigSchema>;
export type SlackConfigInput = z.input<typeof slackConfigSchema>;

/** Slack secrets and deployment settings from the environment; never from config files, never logged. */
export interface SlackSecrets {
  botToken?: string;
  signingSecret?: string;
  appToken?: string;
  /** Web API base, for a local fake; Slack's own by default. */
  apiUrl?: string;
  clientId?: string;
  clientSecret?: string;
  stateSecret?: string;
  /** HTTP port from PORT. */
  port?: number;
  /** Why PORT was not used, when it is set but is no port number. */
  portError?: string;
}

export function readSlackSecrets(env: NodeJS.ProcessEnv = process.env): SlackSecrets {
  const pick = (name: string) => env[name]?.trim() || undefined;
  const port = pick('PORT');
  return {
    botToken: pick('SLACK_BOT_TOKEN'),
    signingSecret: pick('SLACK_SIGNING_SECRET'),
    appToken: pick('SLACK_APP_TOKEN'),
    apiUrl: pick('SLACK_API_URL'),
    clientId: pick('SLACK_CLIENT_ID'),
    clientSecret: pick('SLACK_CLIENT_SECRET'),
    stateSecret: pick('SLACK_STATE_SECRET'),
    ...portOf(port),
  };
}

function portOf(text: string | undefined): Pick<SlackSecrets, 'port' | 'portError'> {
  if (text === undefined) return {};
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  return n >= 1 && n <= 65_535
    ? { port: n }
    : { portError: `PORT "${text}" is not a port number (1 to 65535)` };
}

/** Whether Slack is configured at all: a single-workspace bot token or the OAuth client credentials. */
export function slackConfigured(secrets: SlackSecrets): boolean {
  return !!secrets.botToken || (!!secrets.clientId && !!secrets.clientSecret);
}

export class SlackConfigError extends Error {
  override name = 'SlackConfigError';
}

/** The settings a Bolt app can actually start with, or a ConfigError naming what is missing. */
export function checkSlackSetup(config: SlackConfig, secrets: SlackSecrets): 'token' | 'oauth' {
  const oauth = !!secrets.clientId || !!secrets.clientSecret;
  if (oauth) {
    if (secrets.botToken) {
      throw new SlackConfigError(
        'set either SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID/SLACK_CLIENT_SECRET (OAuth), not both',
      );
    }
    const missing = ['clientId', 'clientSecret', 'stateSecret'].filter(
      (k) => !secrets[k as keyof SlackSecrets],
    );
    if (missing.length) {
      const names = {
        clientId: 'SLACK_CLIENT_ID',
        clientSecret: 'SLACK_CLIENT_SECRET',
        stateSecret: 'SLACK_STATE_SECRET',
      };
      throw new SlackConfigError(
        `OAuth install needs ${missing.map((k) => names[k as keyof typeof names]).join(', ')}`,
      );
    }
  } else if (!secrets.botToken) {
    throw new SlackConfigError('Slack needs SLACK_BOT_TOKEN, or SLACK_CLIENT_ID/SECRET for OAuth');
  }
  if (config.mode === 'socket' && !secrets.appToken) {
    throw new SlackConfigError(
      'slack.mode is "socket" but SLACK_APP_TOKEN (xapp-…, scope connections:write) is not set; ' +
        'set it, or use slack.mode: http with SLACK_SIGNING_SECRET',
    );
  }
  if (config.mode === 'http' && !secrets.signingSecret) {
    throw new SlackConfigError('slack.mode is "http" but SLACK_SIGNING_SECRET is not set');
  }
  // The port is listened on in HTTP mode and for the install pages.
  if (secrets.portError && (config.mode === 'http' || oauth)) throw new SlackConfigError(secrets.portError);
  return oauth ? 'oauth' : 'token';
}
