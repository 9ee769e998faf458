import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

/** The directory of Debian's PostgreSQL server programs (initdb, postgres), newest version first. */
function serverBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

const bin = serverBin();

/**
 * Whether a PostgreSQL server can be started here. Tests that need one skip without it on a developer's
 * machine; in CI (`.ci/run` installs it) its absence is an error, so that those tests never silently stop running.
 */
export const postgresAvailable = bin !== undefined;
if (!postgresAvailable && process.env.CI === 'true')
  throw new Error('PostgreSQL is not installed; .ci/run installs it before the tests');

/** PostgreSQL refuses to run as root: there, the server runs as the `postgres` user Debian's package made. */
function asServerUser(): { prefix: string[]; uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return { prefix: [] };
  const id = (flag: string) =>
    Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return { prefix: ['runuser', '-u', 'postgres', '--'], uid: id('-u'), gid: id('-g') };
}

/** A throw-away PostgreSQL cluster on 127.0.0.1, trusting local connections, removed on `stop()`. */
export class PostgresServer {
  private proc?: ChildProcess;
  private dir = '';
  private port = 0;

  get url(): string {
    return `postgres://threadline@127.0.0.1:${this.port}/postgres`;
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async start(): Promise<void> {
    if (!bin) throw new Error('PostgreSQL is not installed');
    const user = asServerUser();
    this.dir = mkdtempSync(join(tmpdir(), 'threadline-pg-'));
    if (user.uid !== undefined) chownSync(this.dir, user.uid, user.gid!);
    const [initCmd, ...initArgs] = [
      ...user.prefix,
      join(bin, 'initdb'),
      ...['-D', join(this.dir, 'data'), '-U', 'threadline', '--auth=trust', '-E', 'UTF8', '--no-sync'],
    ];
    const init = spawnSync(initCmd!, initArgs, { encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`initdb failed:\n${init.stdout}\n${init.stderr}`);
    this.port = await freePort();
    await this.launch();
  }

  /** Stops the server and starts it again on the same data and port, as a restarted server would be. */
  async restart(): Promise<void> {
    await this.halt();
    await this.launch();
  }

  /** Starts the server on the data and port it had (after `halt`). */
  async launch(): Promise<void> {
    const user = asServerUser();
    const [cmd, ...args] = [
      ...user.prefix,
      join(bin!, 'postgres'),
      ...['-D', join(this.dir, 'data'), '-p', String(this.port), '-k', this.dir],
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
    ];
    // Its own process group, so that a signal reaches the server and not only `runuser` in front of it.
    const proc = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.proc = proc;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`postgres did not start:\n${out}`)), 20_000);
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`postgres exited with ${code}:\n${out}`));
      });
    });
  }

  /** Stops the server, keeping its data, until `launch`. */
  async halt(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    // SIGINT is PostgreSQL's fast shutdown.
    process.kill(-proc.pid!, 'SIGINT');
    await once(proc, 'exit');
  }

  async stop(): Promise<void> {
    await this.halt();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
