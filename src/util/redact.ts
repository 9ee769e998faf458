/**
 * Keeping secrets out of what Threadline prints: log lines and error messages. Libraries put request details in
 * their errors (a header, a body a server echoed), so rather than trusting each error's shape, known secret
 * values and token shapes are taken out of the text itself.
 */

/** Environment variables that hold secrets. */
const SECRET_VARIABLES = [
  'DISCORD_TOKEN',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_CLIENT_SECRET',
  'SLACK_STATE_SECRET',
];

/** Shorter values would match ordinary text. */
const MIN_SECRET_LENGTH = 8;

/**
 * Tokens by their shape, wherever they come from (a workspace's token from the installation store, one in a
 * header): Slack's `xoxb-…`/`xapp-…`, Discord's three dot-separated parts, and any `Bot`/`Bearer` credential.
 */
const TOKEN_SHAPES =
  /\bxox[a-z]-[A-Za-z0-9-]{8,}|\bxapp-[A-Za-z0-9-]{8,}|\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}|\b(?:Bot|Bearer) [A-Za-z0-9._~+/=-]{16,}/g;

const SECRET_MASK = '[secret]';

/** The secret values in `env`: the secret variables, and the password in THREADLINE_STORE. */
export function secretValues(env: NodeJS.ProcessEnv = process.env): string[] {
  const values = SECRET_VARIABLES.map((name) => env[name]?.trim() ?? '');
  const store = env.THREADLINE_STORE;
  if (store) {
    try {
      const password = new URL(store).password;
      values.push(password, decodeURIComponent(password));
    } catch {
      // Not a URL: the store refuses it with its own error, which shows no password.
    }
  }
  const long = values.filter((v) => v.length >= MIN_SECRET_LENGTH);
  // In a JSON log line a value with quotes or backslashes appears escaped.
  return [...new Set([...long, ...long.map((v) => JSON.stringify(v).slice(1, -1))])];
}

/** `text` with every secret value and token-shaped string replaced by a mask. */
export function withoutSecrets(text: string, secrets: readonly string[] = secretValues()): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(SECRET_MASK);
  return out.replace(TOKEN_SHAPES, SECRET_MASK);
}

/**
 * A URL as it may be logged: no user name or password, and no query values (feed addresses can carry access
 * keys there); the parameter names stay, to tell feeds apart.
 */
export function loggableUrl(url: string): string {
  if (!url.includes('?') && !url.includes('@')) return url;
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    const names = [...u.searchParams.keys()];
    if (!names.length) return u.href;
    u.search = '';
    return `${u.href.replace(/#.*$/, '')}?${names.map((n) => `${encodeURIComponent(n)}=…`).join('&')}`;
  } catch {
    return url.replace(/\?.*$/, '?…');
  }
}

/** `text` with each URL in it as `loggableUrl` gives it. */
export function withLoggableUrls(text: string): string {
  return text.replace(/https?:\/\/[^\s"'<>]+/g, (url) => loggableUrl(url));
}
