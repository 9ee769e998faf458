import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './errors.js';
import { type Config, configSchema } from './schema.js';

export { ConfigError };

/** The `config/` folder shipped beside `src/` (or `dist/`). */
export const DEFAULT_CONFIG_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'config',
  'default.yaml',
);

/** Secrets and deployment settings read from the environment; never from files, never logged. */
export interface Secrets {
  discordToken?: string;
  discordApplicationId?: string;
  discordApiUrl?: string;
  slackBotToken?: string;
  slackSigningSecret?: string;
  slackAppToken?: string;
  slackApiUrl?: string;
  slackClientId?: string;
  slackClientSecret?: string;
  slackStateSecret?: string;
}

export function readSecrets(env: NodeJS.ProcessEnv = process.env): Secrets {
  const pick = (name: string) => (env[name]?.trim() ? env[name]!.trim() : undefined);
  return {
    discordToken: pick('DISCORD_TOKEN'),
    discordApplicationId: pick('DISCORD_APPLICATION_ID'),
    discordApiUrl: pick('DISCORD_API_URL'),
    slackBotToken: pick('SLACK_BOT_TOKEN'),
    slackSigningSecret: pick('SLACK_SIGNING_SECRET'),
    slackAppToken: pick('SLACK_APP_TOKEN'),
    slackApiUrl: pick('SLACK_API_URL'),
    slackClientId: pick('SLACK_CLIENT_ID'),
    slackClientSecret: pick('SLACK_CLIENT_SECRET'),
    slackStateSecret: pick('SLACK_STATE_SECRET'),
  };
}

function readYaml(path: string): Record<string, unknown> {
  if (!existsSync(path)) throw new ConfigError(`config file not found: ${path}`);
  let data: unknown;
  try {
    data = parseYaml(readFileSync(path, 'utf8')) ?? {};
  } catch (err) {
    // The parser quotes the offending line after its first line; the line could hold a secret.
    const where = (err as Error).message.split('\n')[0]!.trim();
    throw new ConfigError(`config file ${path} is not valid YAML: ${where}`);
  }
  if (!isPlainObject(data))
    throw new ConfigError(`config file ${path} must hold keys and values, not a list or a single value`);
  // Secrets come from the environment only.
  if (typeof data.store === 'string' && hasCredentials(data.store)) {
    throw new ConfigError(
      `config file ${path}: "store" carries a user name or password; give such a store URL in THREADLINE_STORE`,
    );
  }
  return data;
}

function hasCredentials(url: string): boolean {
  if (!URL.canParse(url)) return /^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(url);
  const u = new URL(url);
  return u.username !== '' || u.password !== '';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge where `over` wins; arrays are replaced, not concatenated. */
export function mergeConfig(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = mergeConfig(base[k], v);
  return out;
}

function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const key = issue.path.length ? issue.path.join('.') : '(root)';
      if (issue.code === 'unrecognized_keys') {
        const prefix = issue.path.length ? `${issue.path.join('.')}.` : '';
        return `unknown key ${issue.keys.map((k) => `"${prefix}${k}"`).join(', ')}`;
      }
      return `"${key}": ${issue.message}`;
    })
    .join('; ');
}

/** Validates raw config data, throwing a ConfigError that names every bad key. */
export function parseConfig(raw: unknown): Config {
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) throw new ConfigError(`invalid config: ${describeIssues(result.error.issues)}`);
  return result.data;
}

/**
 * Loads `config/default.yaml`, then the file named by `path` (or THREADLINE_CONFIG) over it,
 * then THREADLINE_STORE from the environment.
 */
export function loadConfig(path?: string, env: NodeJS.ProcessEnv = process.env): Config {
  let raw: unknown = readYaml(DEFAULT_CONFIG_PATH);
  const extra = path ?? env.THREADLINE_CONFIG;
  if (extra && resolve(extra) !== resolve(DEFAULT_CONFIG_PATH)) raw = mergeConfig(raw, readYaml(extra));
  if (env.THREADLINE_STORE) raw = mergeConfig(raw, { store: env.THREADLINE_STORE });
  try {
    return parseConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError && env.THREADLINE_STORE && err.message.includes('"store"'))
      throw new ConfigError(`${err.message} (the store is set by THREADLINE_STORE)`);
    throw err;
  }
}
