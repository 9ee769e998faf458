import { describe, expect, it } from 'vitest';
import { OneTimeStateStore } from '../../src/platforms/slack/install-state.js';
import { openStore } from '../../src/store/index.js';

const options = { scopes: ['commands', 'chat:write'], metadata: 'from the install page' };

describe('Slack install state', () => {
  it('gives back the install options once, and refuses the same state after that', async () => {
    const store = openStore('memory://');
    const states = new OneTimeStateStore('secret', () => store);
    const now = new Date('2026-01-01T10:00:00Z');
    const state = await states.generateStateParam(options, now);
    expect(await states.verifyStateParam(new Date(now.getTime() + 60_000), state)).toEqual(options);
    await expect(states.verifyStateParam(now, state)).rejects.toMatchObject({
      code: 'slack_oauth_invalid_state',
      message: 'the install link was used already',
    });
    // A restarted worker still knows it: the mark is in the store.
    await expect(new OneTimeStateStore('secret', () => store).verifyStateParam(now, state)).rejects.toThrow(
      /used already/,
    );
  });

  it('lets only one of two callbacks with one state through at once', async () => {
    const store = openStore('memory://');
    const states = new OneTimeStateStore('secret', () => store);
    const now = new Date('2026-01-01T10:00:00Z');
    const state = await states.generateStateParam(options, now);
    const tries = await Promise.allSettled([
      states.verifyStateParam(now, state),
      states.verifyStateParam(now, state),
    ]);
    expect(tries.map((t) => t.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('refuses a state past ten minutes, from the future, signed with another secret, or altered', async () => {
    const store = openStore('memory://');
    const states = new OneTimeStateStore('secret', () => store);
    const now = new Date('2026-01-01T10:00:00Z');
    const at = (ms: number) => new Date(now.getTime() + ms);
    const state = await states.generateStateParam(options, now);
    await expect(states.verifyStateParam(at(600_001), state)).rejects.toThrow('the install link has run out');
    await expect(states.verifyStateParam(at(-60_000), state)).rejects.toThrow('the install link has run out');
    await expect(new OneTimeStateStore('another', () => store).verifyStateParam(now, state)).rejects.toThrow(
      'the state parameter was not made by this app',
    );
    const [body, mac] = state.split('.') as [string, string];
    const altered = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(body, 'base64url').toString()),
        options: { scopes: ['admin'] },
      }),
    ).toString('base64url');
    for (const bad of [`${altered}.${mac}`, body, `${state}.x`, '', 'not a state']) {
      await expect(states.verifyStateParam(now, bad)).rejects.toMatchObject({
        code: 'slack_oauth_invalid_state',
      });
    }
    // None of those used the real one up.
    expect(await states.verifyStateParam(at(599_000), state)).toEqual(options);
  });
});
