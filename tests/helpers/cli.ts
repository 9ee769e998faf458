import { spawnSync } from 'node:child_process';
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
