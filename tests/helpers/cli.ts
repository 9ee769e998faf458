import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const TSX = resolve(process.cwd(), 'node_modules/.bin/tsx');
const CLI = resolve(process.cwd(), 'src/cli.ts');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `threadline` entry point from source, as a user would, and captures its output. */
export function runCli(
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): CliResult {
  const result = spawnSync(TSX, [CLI, ...args], {
    input: opts.input,
    encoding: 'utf8',
    cwd: opts.cwd ?? process.cwd(),
    env: { ...process.env, LOG_LEVEL: 'silent', ...opts.env },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts the real entry point from source without waiting for it, for tests that talk to it while it runs. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams {
  return spawn(TSX, [CLI, ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env } });
}

/**
 * The exit status of `child` once it closes, or 'running' if it has not within `ms` (it is then sent SIGTERM,
 * which tsx passes on to the node process it runs; SIGKILL would orphan that).
 */
export async function exitWithin(
  child: ChildProcessWithoutNullStreams,
  ms: number,
): Promise<number | null | 'running'> {
  const closed = new Promise<number | null>((done) => child.on('close', (c) => done(c)));
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    closed,
    new Promise<'running'>((done) => {
      timer = setTimeout(() => done('running'), ms);
    }),
  ]);
  clearTimeout(timer);
  if (code === 'running') child.kill('SIGTERM');
  return code;
}
