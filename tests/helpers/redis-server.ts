import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './ports.js';

/**
 * Whether a `redis-server` binary is on PATH. Tests that need one skip without it on a developer's machine;
 * in CI (`.ci/run` installs it) its absence is an error, so that those tests never silently stop running.
 */
export const redisAvailable = spawnSync('redis-server', ['--version']).status === 0;
if (!redisAvailable && process.env.CI === 'true')
  throw new Error('redis-server is not installed; .ci/run installs it before the tests');

/** A throw-away Redis server on 127.0.0.1, keeping nothing on disk. */
export class RedisServer {
  private proc?: ChildProcess;
  private port = 0;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server; after a `stop()`, again on the same port, as a restarted server would be. */
  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    const proc = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.proc = proc;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 10_000);
      proc.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}:\n${out}`));
      });
    });
  }

  /** Stops the server's process where it is (SIGSTOP): it reads nothing and answers nothing until killed. */
  freeze(): void {
    this.proc?.kill('SIGSTOP');
  }

  /** Kills the server at once (SIGKILL), with whatever commands it had not answered. */
  async kill(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGKILL');
    await once(proc, 'exit');
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    proc.kill('SIGTERM');
    await once(proc, 'exit');
  }
}
