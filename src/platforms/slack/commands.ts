/**
 * The slash commands: `/story <words>` and the management command (`/threadline …`). Every handler acks
 * at once (Slack allows 3 s) and answers through response_url, ephemerally, once the work is done.
 */
import type { App as BoltApp, RespondArguments, webApi } from '@slack/bolt';
import type { Config } from '../../config/schema.js';
import type { ChannelCommands, CommandContext, CommandReply } from '../../deliver/channel-commands.js';
import { FetchError, safeFetch } from '../../ingest/index.js';
import type { Logger } from '../../log.js';
import type { StoryDigest } from '../../model.js';
import { packLines } from '../split.js';
import type { SlackConfig } from './config.js';
import type { KeyvInstallationStore } from './installation-store.js';
import {
  CONFIGURING,
  commandText,
  helpText,
  type ManageCommand,
  parseManageCommand,
  SHOWING_FEEDS,
} from './parse.js';
import { escapeSlack, renderSlackStory, SLACK_LIMITS, type SlackBlock } from './render.js';

export interface CommandDeps {
  config: SlackConfig;
  fetchPolicy: Config['fetch'];
  logger: Logger;
  /** Late-bound: the worker builds ChannelCommands from the App that this adapter is part of. */
  commands(): ChannelCommands;
  installations?: KeyvInstallationStore;
  /** The Web API base URL, whose host may also serve private file downloads (a local fake). */
  apiUrl?: string;
}

type ReplyBlock = SlackBlock | { type: 'divider' };
/** An ephemeral answer posted to the command's response_url. */
export interface Reply {
  response_type: 'ephemeral';
  replace_original: false;
  text: string;
  blocks?: ReplyBlock[];
}

const ephemeral = (text: string, blocks?: ReplyBlock[]): Reply => ({
  response_type: 'ephemeral',
  replace_original: false,
  text,
  ...(blocks ? { blocks } : {}),
});

/** An error from the core (a lowercase phrase) as one clear sentence; `hint` is our own mrkdwn. */
function errorReply(error: string, hint = ''): Reply {
  // "Cannot fetch …" reads better capitalised; a URL opening the error ("http://x is not a feed") stays as it is.
  const opening = /^https?:\/\//i.test(error) ? error : error.charAt(0).toUpperCase() + error.slice(1);
  const sentence = escapeSlack(opening) + hint;
  return ephemeral(`:warning: ${sentence}${/[.!?]$/.test(sentence) ? '' : '.'}`);
}

/** Characters of one reply post: Slack advises messages of at most 4,000 and cuts them at 40,000. */
const REPLY_TEXT_MAX = 4000;
/** Posts one response_url takes. */
const RESPONSE_POSTS = 5;

/**
 * A command's answer as ephemeral posts of at most `REPLY_TEXT_MAX` characters, split between lines (a long
 * feed list), at most `RESPONSE_POSTS`; the last says how many lines did not fit.
 */
function commandReplies(reply: CommandReply, note = ''): Reply[] {
  if (!reply.ok) return [errorReply(reply.error)];
  const text = escapeSlack(reply.text) + note;
  if (text.length <= REPLY_TEXT_MAX) return [ephemeral(text)];
  const { chunks, left } = packLines(text.split('\n'), REPLY_TEXT_MAX, RESPONSE_POSTS);
  const posts = chunks.map((p) => ephemeral(p));
  return left ? [...posts, ephemeral(`…and ${left} more lines, more than one answer can hold.`)] : posts;
}

/**
 * A story as ephemeral messages: the parent and its thread replies, packed into as few messages as the
 * block and text limits allow, and at most five (a response_url takes five posts).
 */
export function storyReplies(digest: StoryDigest): Reply[] {
  const { parent, replies } = renderSlackStory(digest);
  const blockText = (b: SlackBlock) =>
    b.type === 'context' ? b.elements.reduce((n, e) => n + e.text.length, 0) : b.text.text.length;
  const out: { text: string; blocks: ReplyBlock[]; size: number }[] = [];
  for (const payload of [parent, ...replies]) {
    const size = payload.blocks.reduce((n, b) => n + blockText(b), 0);
    const last = out.at(-1);
    if (
      last &&
      last.blocks.length + 1 + payload.blocks.length <= SLACK_LIMITS.blocks &&
      last.size + size <= SLACK_LIMITS.messageBlockText
    ) {
      last.blocks.push({ type: 'divider' }, ...payload.blocks);
      last.size += size;
    } else out.push({ text: payload.text, blocks: [...payload.blocks], size });
  }
  const messages = out.map((m) => ephemeral(m.text, m.blocks));
  if (messages.length <= 5) return messages;
  return [
    ...messages.slice(0, 4),
    ephemeral(
      'This story is longer than a reply can show; its thread in a subscribed channel has all of it.',
    ),
  ];
}

/** The OPML as code blocks of at most ~3,900 characters each; undefined when it needs more than five. */
export function opmlReplies(opml: string): Reply[] | undefined {
  const safe = opml.replace(/```/g, 'ˋˋˋ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const chunks: string[] = [];
  let chunk = '';
  for (const line of safe.split('\n')) {
    if (chunk && chunk.length + line.length + 1 > 3900) {
      chunks.push(chunk);
      chunk = '';
    }
    chunk += chunk ? `\n${line}` : line;
  }
  if (chunk) chunks.push(chunk);
  if (chunks.length > 5) return undefined;
  return chunks.map((c, i) =>
    ephemeral(`${chunks.length > 1 ? `Part ${i + 1}/${chunks.length}\n` : ''}\`\`\`${c}\`\`\``),
  );
}

/** What a configurer may do that others may not, as refusals word it. */
const CHANGE = 'change what this channel follows';
const SEE = 'see the feeds this channel follows (feed addresses can carry access keys)';

/** Why the user may not `action` (change this channel's settings, or see them), or undefined when they may. */
async function refusal(
  client: webApi.WebClient,
  policy: SlackConfig['whoCanConfigure'],
  userId: string,
  channelId: string,
  action: string,
): Promise<string | undefined> {
  if (policy === 'everyone') return undefined;
  let user: { is_admin?: boolean; is_owner?: boolean; is_primary_owner?: boolean } | undefined;
  try {
    user = (await client.users.info({ user: userId })).user;
  } catch {
    return 'Threadline could not check your role in this workspace (it needs the users:read scope)';
  }
  if (user?.is_admin || user?.is_owner || user?.is_primary_owner) return undefined;
  if (policy === 'admins') return `only workspace admins and owners can ${action}`;
  // Slack has no per-channel manager flag that every plan exposes; the channel's creator stands in for it.
  if (channelId.startsWith('D')) return undefined;
  try {
    const info = await client.conversations.info({ channel: channelId });
    if (info.channel?.creator === userId) return undefined;
  } catch {
    // A private channel the app is not in cannot be checked; only admins may configure it.
  }
  return `only this channel's creator and workspace admins can ${action}`;
}

/** A hint to invite the app when it cannot post in the channel yet. */
async function membershipNote(
  client: webApi.WebClient,
  channelId: string,
  botUserId?: string,
): Promise<string> {
  try {
    const info = await client.conversations.info({ channel: channelId });
    if (info.channel?.is_member) return '';
  } catch {
    // Not visible to the app: a private channel it was not invited to.
  }
  const who = botUserId ? `<@${botUserId}>` : 'the Threadline app';
  return `\n:information_source: Invite ${who} to this channel (\`/invite\`) so it can post here.`;
}

/**
 * Whether a URL is Slack's own (https, on slack.com) or on the configured API host (a local fake): only such
 * file hosts get the bot token, and only such response URLs are posted to.
 */
export function trustedSlackUrl(url: string, apiUrl?: string): boolean {
  try {
    const u = new URL(url);
    if (u.protocol === 'https:' && (u.hostname === 'slack.com' || u.hostname.endsWith('.slack.com')))
      return true;
    return !!apiUrl && u.origin === new URL(apiUrl).origin;
  } catch {
    return false;
  }
}

async function readOpml(
  source: Extract<ManageCommand, { op: 'import' }>['source'],
  deps: CommandDeps,
  client: webApi.WebClient,
  token: string | undefined,
): Promise<{ text: string } | { error: string }> {
  if (source.kind === 'url') {
    try {
      const res = await safeFetch(source.url, deps.fetchPolicy, {
        headers: { accept: 'text/x-opml, application/xml, text/xml;q=0.9, */*;q=0.5' },
      });
      if (res.status !== 200) return { error: `${source.url} answered HTTP ${res.status}` };
      return { text: res.body.toString('utf8') };
    } catch (err) {
      return {
        error: `cannot fetch ${source.url}: ${err instanceof FetchError ? err.message : 'request failed'}`,
      };
    }
  }
  let file: { url_private_download?: string; url_private?: string; size?: number; name?: string } | undefined;
  try {
    file = (await client.files.info({ file: source.fileId })).file;
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error ?? 'request failed';
    return { error: `Slack did not find that file (${code}); upload it to this channel and give its link` };
  }
  const url = file?.url_private_download ?? file?.url_private;
  if (!url || !token || !trustedSlackUrl(url, deps.apiUrl))
    return { error: 'Slack gave no download link for that file' };
  if ((file?.size ?? 0) > deps.fetchPolicy.maxBytes)
    return { error: 'that file is too large for an OPML list' };
  try {
    // No redirect is followed, so the token goes to Slack's file host and nowhere else; the guard, size cap
    // and time-out of feed fetches apply while the body streams in.
    const res = await safeFetch(
      url,
      { ...deps.fetchPolicy, maxRedirects: 0 },
      { headers: { authorization: `Bearer ${token}` } },
    );
    if (res.status !== 200 || (res.headers['content-type'] ?? '').includes('text/html')) return notHandedOver;
    return { text: res.body.toString('utf8') };
  } catch (err) {
    if (!(err instanceof FetchError)) return { error: 'downloading the file from Slack failed' };
    // Without access Slack redirects to its sign-in page rather than answering 401 or 403.
    if (err.status !== undefined && err.status >= 300 && err.status < 400) return notHandedOver;
    return { error: `downloading the file from Slack failed: ${err.message}` };
  }
}

const notHandedOver = { error: 'Slack did not hand over the file; the app needs the files:read scope' };

export function registerCommands(bolt: BoltApp, deps: CommandDeps): void {
  const { config, logger } = deps;

  /** Runs the slow part after the ack; any failure still gets an answer. */
  async function answer(respond: (m: RespondArguments) => Promise<unknown>, work: () => Promise<Reply[]>) {
    let replies: Reply[];
    try {
      replies = await work();
    } catch (err) {
      logger.error({ err }, 'slack command failed');
      replies = [ephemeral(':warning: Something went wrong on Threadline’s side; the error is in its log.')];
    }
    for (const reply of replies) {
      try {
        await respond(reply);
      } catch (err) {
        logger.warn({ err }, 'slack response_url post failed');
        return;
      }
    }
  }

  bolt.command(config.commands.story, async ({ command, ack, respond }) => {
    await ack();
    await answer(respond, async () => {
      const found = deps.commands().story(commandText(command.text));
      return 'error' in found ? [errorReply(found.error)] : storyReplies(found.digest);
    });
  });

  bolt.command(config.commands.manage, async ({ command, ack, respond, client, context }) => {
    await ack();
    await answer(respond, async () => {
      if (command.is_enterprise_install === 'true' && command.enterprise_id) {
        await deps.installations?.noteOrgWorkspace(command.team_id, command.enterprise_id);
      }
      const parsed = parseManageCommand(command.text);
      const ctx: CommandContext = {
        platform: 'slack',
        workspaceId: command.team_id,
        channelId: command.channel_id,
      };
      const commands = deps.commands();
      const changing = CONFIGURING.has(parsed.op);
      // A direct message is no channel the app can post in (one between people is closed to it): a
      // subscription there would never deliver.
      if (changing && command.channel_id.startsWith('D')) {
        return [
          errorReply(
            'Threadline posts stories in channels, not in direct messages: use the command in a channel and invite the app there',
          ),
        ];
      }
      if (changing || SHOWING_FEEDS.has(parsed.op)) {
        const why = await refusal(
          client,
          config.whoCanConfigure,
          command.user_id,
          command.channel_id,
          changing ? CHANGE : SEE,
        );
        if (why) return [errorReply(why)];
      }
      const note = () => membershipNote(client, command.channel_id, context.botUserId);
      switch (parsed.op) {
        case 'help':
          return [ephemeral(helpText(config.commands.manage, config.commands.story, config.whoCanConfigure))];
        case 'invalid':
          return [errorReply(parsed.error, `; see \`${config.commands.manage} help\``)];
        case 'list':
          return commandReplies(await commands.list(ctx));
        case 'export': {
          const opml = await commands.exportOpml(ctx);
          if (opml === undefined)
            return [
              errorReply(
                'this channel follows no feeds to export; its topics are listed by the list subcommand',
              ),
            ];
          const parts = opmlReplies(opml);
          return (
            parts ?? [
              errorReply('this channel follows too many feeds to show them here; use the list subcommand'),
            ]
          );
        }
        case 'subscribe-feed': {
          const reply = await commands.subscribeFeed(ctx, parsed.url);
          return commandReplies(reply, reply.ok ? await note() : '');
        }
        case 'subscribe-topic': {
          const reply = await commands.subscribeTopic(ctx, parsed.topic);
          return commandReplies(reply, reply.ok ? await note() : '');
        }
        case 'unsubscribe':
          return commandReplies(await commands.unsubscribe(ctx, parsed.target));
        case 'digest': {
          const { op: _op, ...settings } = parsed;
          return commandReplies(await commands.setDigest(ctx, settings));
        }
        case 'import': {
          const opml = await readOpml(parsed.source, deps, client, context.botToken);
          if ('error' in opml) return [errorReply(opml.error)];
          const reply = await commands.importOpml(ctx, opml.text);
          return commandReplies(reply, reply.ok ? await note() : '');
        }
      }
    });
  });
}
