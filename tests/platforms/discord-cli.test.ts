import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerDiscordCommands } from '../../src/commands/discord.js';
import { FakeDiscord } from '../fakes/discord.js';
import { freePort } from '../helpers/ports.js';

const VARS = ['DISCORD_TOKEN', 'DISCORD_APPLICATION_ID', 'DISCORD_API_URL'] as const;
let fake: FakeDiscord;
let saved: Record<string, string | undefined>;

/** Runs `threadline register-commands ...` in process with the given environment; returns what it printed. */
async function registerCli(
  args: string[],
  env: Partial<Record<(typeof VARS)[number], string>>,
): Promise<string> {
  for (const name of VARS) {
    if (env[name] === undefined) delete process.env[name];
    else process.env[name] = env[name];
  }
  const out: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  try {
    const program = new Command().exitOverride();
    registerDiscordCommands(program);
    await program.parseAsync(['node', 'threadline', 'register-commands', ...args]);
    return out.join('');
  } finally {
    write.mockRestore();
  }
}

beforeEach(async () => {
  saved = Object.fromEntries(VARS.map((v) => [v, process.env[v]]));
  fake = new FakeDiscord();
  await fake.start();
});

afterEach(async () => {
  for (const name of VARS) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  await fake.stop();
});

describe('threadline register-commands', () => {
  it('needs DISCORD_TOKEN and DISCORD_APPLICATION_ID, and a numeric --guild', async () => {
    await expect(registerCli([], {})).rejects.toThrow(
      'DISCORD_TOKEN and DISCORD_APPLICATION_ID must be set to register commands',
    );
    await expect(registerCli([], { DISCORD_TOKEN: 'x' })).rejects.toMatchObject({ name: 'ConfigError' });
    await expect(
      registerCli(['--guild', 'general'], { DISCORD_TOKEN: 'x', DISCORD_APPLICATION_ID: '1' }),
    ).rejects.toThrow(/--guild takes a server id/);
  });

  it('says Discord cannot be reached, not that it refused, when nothing answers', async () => {
    const port = await freePort();
    const attempt = registerCli([], {
      DISCORD_TOKEN: 'x',
      DISCORD_APPLICATION_ID: '1',
      DISCORD_API_URL: `http://127.0.0.1:${port}/api`,
    });
    await expect(attempt).rejects.toMatchObject({ name: 'ConfigError' });
    await expect(attempt).rejects.toThrow(
      /cannot reach Discord \(ECONNREFUSED\); check the network or DISCORD_API_URL/,
    );
  });

  it('registers globally, or in one guild, against DISCORD_API_URL', async () => {
    const env = {
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.restUrl,
    };
    expect(await registerCli([], env)).toBe(
      'Registered 6 commands (global): /subscribe, /unsubscribe, /subscriptions, /digest, /story, /feeds\n',
    );
    const guildId = fake.guild().id;
    expect(await registerCli(['--guild', guildId], env)).toContain(`(guild ${guildId})`);
    expect(fake.commands()).toHaveLength(6);
    expect(fake.commands(guildId)).toHaveLength(6);
    expect(fake.requestsTo('PUT /applications/:app/commands')[0]?.auth).toBe('bot');

    await expect(registerCli([], { ...env, DISCORD_TOKEN: 'not-the-token' })).rejects.toThrow(
      /^Discord refused: .*\(401\)$/,
    );
  });
});
