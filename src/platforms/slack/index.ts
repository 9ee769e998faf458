/**
 * The Slack app: a Bolt app (Socket Mode or HTTP; one workspace's token or OAuth installs) for the slash
 * commands, and a ChatAdapter that delivers stories to subscribed channels.
 *
 * The worker builds it before the core App (which takes the adapter) and binds the App's store and
 * ChannelCommands afterwards:
 *
 *   const slack = slackConfigured(readSlackSecrets()) ? await createSlackAdapter({ config, secrets, logger }) : undefined;
 *   const app = new App(config, { logger, adapters: slack ? [slack.adapter] : [] });
 *   slack?.attach(app);
 *   await app.init(); await slack?.start(); app.start();
 *   // on shutdown: await slack?.stop(); await app.stop();
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type AppOptions,
  App as BoltApp,
  type Logger as BoltLogger,
  ErrorCode,
  LogLevel,
  type webApi,
} from '@slack/bolt';
import type { Secrets } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import type { ChannelCommands } from '../../deliver/channel-commands.js';
import type { ChannelStore } from '../../deliver/channels.js';
import type { Logger } from '../../log.js';
import type { Store } from '../../store/index.js';
import { SlackAdapter } from './adapter.js';
import { registerCommands, trustedSlackUrl } from './commands.js';
import {
  checkSlackSetup,
  readSlackSecrets,
  type SlackConfig,
  SlackConfigError,
  type SlackConfigInput,
  type SlackSecrets,
  slackConfigSchema,
} from './config.js';
import { INVALID_STATE, OneTimeStateStore } from './install-state.js';
import { type Installed, KeyvInstallationStore } from './installation-store.js';

export { SlackAdapter } from './adapter.js';
export {
  readSlackSecrets,
  SLACK_BOT_SCOPES,
  type SlackConfig,
  SlackConfigError,
  type SlackSecrets,
  slackConfigSchema,
  slackConfigured,
} from './config.js';
export { KeyvInstallationStore } from './installation-store.js';

/** The core's Secrets, plus the OAuth ones once load.ts reads them (until then they come from `env`). */
export type SlackSecretsInput = Secrets & {
  slackClientId?: string;
  slackClientSecret?: string;
  slackStateSecret?: string;
};

export interface CreateSlackOptions {
  /** The whole config; `slack` is optional so this works before the section is part of the schema. */
  config: { fetch: Config['fetch']; slack?: SlackConfigInput };
  secrets?: SlackSecretsInput;
  /** Read for SLACK_CLIENT_ID/SECRET, SLACK_STATE_SECRET and PORT, and for anything `secrets` leaves out. */
  env?: NodeJS.ProcessEnv;
  logger: Logger;
  store?: Store;
  commands?: ChannelCommands;
}

/** What attach() takes from the core App. */
export interface SlackAppBinding {
  store: Store;
  commands: ChannelCommands;
  channels?: ChannelStore;
}

/**
 * Answers a command from a workspace where Threadline has no installation, on the command's response_url: one
 * of Slack's, or on the configured API host (a local fake), never anywhere else a body might name.
 */
async function answerUninstalled(responseUrl: string, apiUrl: string | undefined, installPath: string) {
  if (!trustedSlackUrl(responseUrl, apiUrl)) return;
  const res = await fetch(responseUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      response_type: 'ephemeral',
      text:
        ':warning: Threadline is not installed in this workspace, or its installation was lost. ' +
        `Ask an admin to install it again (the app's ${installPath} page).`,
    }),
    signal: AbortSignal.timeout(10_000),
  });
  await res.body?.cancel();
}

/** The install page's answer when the installer cancelled, or Slack refused the install: not a server error. */
function installFailed(
  error: { code?: string; message: string },
  _: unknown,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const cancelled = new URL(req.url ?? '/', 'http://localhost').searchParams.get('error');
  res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(
    cancelled
      ? `Threadline was not installed: the installation was cancelled (${cancelled}).`
      : error.code === INVALID_STATE
        ? `Threadline was not installed: ${error.message} (an install link works once, for ten minutes, in the browser that opened it). Start again from the install page.`
        : `Threadline was not installed: Slack refused the installation (${error.code ?? 'unknown error'}). Try again from the install page.`,
  );
}

/** Why a channel was paused, when installing the app again is what fixes it. */
const FIXED_BY_INSTALL =
  /is not installed in Slack workspace|token is no longer valid|reinstall it with the scopes/;

export interface SlackRuntime {
  adapter: SlackAdapter;
  /** The Bolt app, for listeners beyond ours. */
  bolt: BoltApp;
  mode: SlackConfig['mode'];
  auth: 'token' | 'oauth';
  /** Supplies what the core App owns, once it exists; needed before start(). */
  bind(deps: { store?: Store; commands?: ChannelCommands }): void;
  /** bind() from the core App itself: its store, and ChannelCommands over its channels and stories. */
  attach(app: SlackAppBinding): void;
  /** Verifies the token (auth.test) and connects (Socket Mode) or listens (HTTP; `port` is the bound one). */
  start(): Promise<{ port?: number }>;
  stop(): Promise<void>;
}

const PINO_TO_BOLT: Record<string, LogLevel> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
};

/** Bolt's logger interface over pino; the level stays pino's, whatever Bolt asks for. */
export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'slack' });
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...msg: unknown[]) => {
      const err = msg.find((m) => m instanceof Error);
      const text = msg
        .filter((m) => !(m instanceof Error))
        .map((m) => (typeof m === 'string' ? m : JSON.stringify(m)))
        .join(' ');
      child[level](err ? { err } : {}, text);
    };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: () => undefined,
    getLevel: () => PINO_TO_BOLT[child.level] ?? LogLevel.ERROR,
    setName: () => undefined,
  };
}

function mergeSecrets(input: SlackSecretsInput | undefined, env: NodeJS.ProcessEnv): SlackSecrets {
  const fromEnv = readSlackSecrets(env);
  return {
    botToken: input?.slackBotToken ?? fromEnv.botToken,
    signingSecret: input?.slackSigningSecret ?? fromEnv.signingSecret,
    appToken: input?.slackAppToken ?? fromEnv.appToken,
    apiUrl: input?.slackApiUrl ?? fromEnv.apiUrl,
    clientId: input?.slackClientId ?? fromEnv.clientId,
    clientSecret: input?.slackClientSecret ?? fromEnv.clientSecret,
    stateSecret: input?.slackStateSecret ?? fromEnv.stateSecret,
    port: fromEnv.port,
  };
}

export async function createSlackAdapter(opts: CreateSlackOptions): Promise<SlackRuntime> {
  const parsed = slackConfigSchema.safeParse(opts.config.slack);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `slack.${i.path.join('.')}: ${i.message}`).join('; ');
    throw new SlackConfigError(`invalid slack config: ${issues}`);
  }
  const config = parsed.data;
  const secrets = mergeSecrets(opts.secrets, opts.env ?? process.env);
  const auth = checkSlackSetup(config, secrets);
  const logger = opts.logger.child({ platform: 'slack' });
  const apiUrl = secrets.apiUrl ? `${secrets.apiUrl.replace(/\/+$/, '')}/` : undefined;
  const port = secrets.port ?? config.port;

  let store = opts.store;
  let commands = opts.commands;
  const needStore = () => {
    if (!store) throw new Error('the Slack adapter is not bound to a store yet (call bind)');
    return store;
  };
  let channels: ChannelStore | undefined;
  /** An install (or a reinstall after an uninstall, or with new scopes) resumes what its absence paused. */
  const resumeInstalled = async ({ teamId, enterpriseId }: Installed): Promise<void> => {
    if (!channels) return;
    for (const channel of await channels.list()) {
      if (channel.platform !== 'slack' || !channel.paused || !FIXED_BY_INSTALL.test(channel.paused.reason))
        continue;
      const ours =
        channel.workspaceId === teamId ||
        (enterpriseId !== undefined && (await installations?.orgOf(channel.workspaceId)) === enterpriseId);
      if (!ours) continue;
      await channels.update(channel, ({ paused: _lifted, ...rest }) => rest);
      logger.info({ channel: channel.key }, 'slack app installed; channel resumed');
    }
  };
  const installations = auth === 'oauth' ? new KeyvInstallationStore(needStore, resumeInstalled) : undefined;

  // Listener clients may retry: they only read (users.info, conversations.info, files.info).
  const clientOptions = (): webApi.WebClientOptions => ({
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: {
      retries: 2,
      minTimeout: config.delivery.backoffMs,
      maxTimeout: config.delivery.backoffMs * 4,
    },
    timeout: config.delivery.timeoutMs,
  });
  const options: AppOptions = {
    logger: boltLogger(logger),
    clientOptions: clientOptions(),
    deferInitialization: true,
    socketMode: config.mode === 'socket',
    ...(config.mode === 'socket' ? { appToken: secrets.appToken } : { signingSecret: secrets.signingSecret }),
    port,
    ...(auth === 'token'
      ? { token: secrets.botToken }
      : {
          clientId: secrets.clientId,
          clientSecret: secrets.clientSecret,
          stateSecret: secrets.stateSecret,
          installationStore: installations,
          scopes: config.oauth.scopes,
          ...(config.oauth.redirectUri ? { redirectUri: config.oauth.redirectUri } : {}),
          installerOptions: {
            installPath: config.oauth.installPath,
            redirectUriPath: config.oauth.redirectUriPath,
            directInstall: true,
            callbackOptions: { failure: installFailed },
            stateStore: new OneTimeStateStore(secrets.stateSecret!, needStore),
          },
        }),
  };
  const bolt = new BoltApp({ ...options, extendedErrorHandler: true });
  /** What Bolt passes an error handler when `extendedErrorHandler` is on (the type is not exported). */
  type ErrorArgs = { error: Error & { code?: string }; body?: unknown };
  bolt.error((async ({ error, body }: ErrorArgs) => {
    // A command from a workspace with no installation (never installed here, or its installation lost) is
    // refused before any listener runs; its user still gets an answer.
    const responseUrl = (body as { response_url?: unknown } | undefined)?.response_url;
    if (error.code === ErrorCode.AuthorizationError && typeof responseUrl === 'string') {
      const install = config.oauth.installPath;
      await answerUninstalled(responseUrl, apiUrl, install).catch((err) =>
        logger.warn({ err }, 'slack response_url post failed'),
      );
      logger.warn({ err: error }, 'slack command from a workspace without an installation');
      return;
    }
    logger.error({ err: error }, 'slack listener failed');
  }) as never);

  registerCommands(bolt, {
    config,
    fetchPolicy: opts.config.fetch,
    logger,
    apiUrl,
    installations,
    commands: () => {
      if (!commands) throw new Error('the Slack adapter is not bound to ChannelCommands yet (call bind)');
      return commands;
    },
  });

  if (installations) {
    // An uninstall or revoked bot token leaves nothing to deliver with; its installation is dropped.
    const forget = (context: { teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean }) =>
      installations.deleteInstallation({
        teamId: context.teamId,
        enterpriseId: context.enterpriseId,
        isEnterpriseInstall: !!context.isEnterpriseInstall,
      });
    bolt.event('app_uninstalled', async ({ context }) => forget(context));
    bolt.event('tokens_revoked', async ({ event, context }) => {
      if (event.tokens.bot?.length) await forget(context);
    });
  }

  const adapter = new SlackAdapter({
    tuning: config.delivery,
    logger,
    apiUrl,
    clientLogger: boltLogger(logger),
    tokenFor: async (workspaceId) =>
      installations ? installations.botTokenFor(workspaceId) : secrets.botToken,
  });

  let started = false;
  return {
    adapter,
    bolt,
    mode: config.mode,
    auth,
    bind(deps) {
      store = deps.store ?? store;
      commands = deps.commands ?? commands;
    },
    attach(app) {
      store = app.store;
      commands = app.commands;
      channels = app.channels ?? channels;
    },
    async start() {
      if (!commands) throw new Error('bind ChannelCommands before starting the Slack app');
      if (auth === 'oauth') needStore();
      try {
        await bolt.init();
      } catch (err) {
        const code = (err as { data?: { error?: string } }).data?.error;
        // Without an answer from Slack there is nothing to say about the token.
        if (!code)
          throw new SlackConfigError(
            `cannot reach Slack (${(err as Error).message}); check the network or SLACK_API_URL`,
          );
        throw new SlackConfigError(`Slack refused SLACK_BOT_TOKEN (${code})`);
      }
      let result: unknown;
      try {
        result = config.mode === 'http' ? await bolt.start(port) : await bolt.start();
      } catch (err) {
        const code = (err as { data?: { error?: string } }).data?.error;
        if (config.mode === 'http' || !code) throw err;
        throw new SlackConfigError(`Slack refused SLACK_APP_TOKEN for Socket Mode (${code})`);
      }
      started = true;
      const address =
        config.mode === 'http' ? (result as { address(): { port: number } | string | null }).address() : null;
      const bound = address && typeof address === 'object' ? address.port : undefined;
      logger.info({ mode: config.mode, auth, port: bound }, 'slack app started');
      return { port: bound };
    },
    async stop() {
      if (!started) return;
      started = false;
      await bolt.stop();
    },
  };
}
