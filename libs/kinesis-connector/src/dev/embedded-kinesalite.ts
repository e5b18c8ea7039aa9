import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

export interface EmbeddedKinesaliteOptions {
  /** 0 picks a free port. */
  port: number;
  /** LevelDB folder: records survive a restart and a kill -9 of the host. */
  dataDir: string;
  /** Region the emulator writes into stream ARNs (kinesalite serves one region). */
  region: string;
}

// Runs in the child: kinesalite bound to loopback only (its CLI binds every interface), reporting its port,
// and exiting when the host goes away, even by kill -9 (the IPC channel closes).
const CHILD_SOURCE = `
const [modulePath, port, dataDir] = process.argv.slice(1);
const server = require(modulePath)({ path: dataDir, createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 1000 });
server.listen(Number(port), '127.0.0.1', () => process.send({ port: server.address().port }));
server.on('error', (error) => { process.send({ error: error.message }); process.exit(1); });
process.on('disconnect', () => process.exit(0));
`;

/**
 * The development-mode Kinesis: kinesalite in a child process on 127.0.0.1, started and stopped with the host.
 * A child rather than in-process so that the emulator's work runs on another core than the host's event loop.
 */
export class EmbeddedKinesalite {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(options: EmbeddedKinesaliteOptions): Promise<EmbeddedKinesalite> {
    const dataDir = resolve(options.dataDir);
    mkdirSync(dataDir, { recursive: true });
    const modulePath = createRequire(import.meta.url).resolve('kinesalite');
    const child = spawn(process.execPath, ['-e', CHILD_SOURCE, modulePath, String(options.port), dataDir], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, AWS_REGION: options.region, AWS_DEFAULT_REGION: options.region },
    });
    const port = await new Promise<number>((resolvePort, reject) => {
      const timer = setTimeout(() => reject(new Error('kinesalite did not start within 15 s')), 15_000);
      child.once('message', (message: { port?: number; error?: string }) => {
        clearTimeout(timer);
        if (message.port) resolvePort(message.port);
        else reject(new Error(`kinesalite could not start: ${message.error}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`kinesalite exited with code ${code} before it listened`));
      });
    });
    return new EmbeddedKinesalite(child, port);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolveExit) => this.child.once('exit', () => resolveExit()));
    this.child.kill('SIGTERM');
    await exited;
  }
}
