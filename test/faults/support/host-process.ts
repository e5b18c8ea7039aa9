import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { SEMI_SPACE_FLAG } from '../../../apps/connector-host/src/lifecycle/heap-growth.js';

/** The built host (npm run build), as production runs it. */
export const HOST_ENTRY = resolve('dist/apps/connector-host/main.js');

/**
 * The real host in its own process, so it can be killed like one: kill -9 or SIGTERM, then started again
 * on the same port and data folder.
 */
export class HostProcess {
  private child?: ChildProcess;
  private output = '';

  /** `keepFullLog`: keep every line the host printed (for log scans), not only the last 20 kB (for errors). */
  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly options: { keepFullLog?: boolean } = {},
  ) {
    if (!existsSync(HOST_ENTRY)) throw new Error(`${HOST_ENTRY} is missing: run npm run build first`);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The process id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the host and waits until /health/ready answers 200. */
  async start(): Promise<void> {
    this.child = spawn(process.execPath, [SEMI_SPACE_FLAG, HOST_ENTRY], {
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(this.port), LOG_LEVEL: 'warn', LOG_FORMAT: 'json', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const capture = (chunk: Buffer) => {
      this.output += chunk.toString();
      if (!this.options.keepFullLog && this.output.length > 40_000) this.output = this.output.slice(-20_000);
    };
    this.child.stdout!.on('data', capture);
    this.child.stderr!.on('data', capture);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`host exited with ${this.child.exitCode}:\n${this.output}`);
      try {
        if ((await fetch(`${this.url}/health/ready`)).status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`host not ready within 20 s:\n${this.output}`);
  }

  /** Sends a signal and waits for the process to end; resolves with how it ended (`exit 0`, `SIGKILL`, …). */
  async kill(signal: NodeJS.Signals): Promise<string> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return 'not running';
    const exited = new Promise<string>((resolveExit) =>
      child.once('exit', (code, endedBy) => resolveExit(code === null ? String(endedBy) : `exit ${code}`)),
    );
    child.kill(signal);
    return exited;
  }

  /** Sends a signal without waiting for an exit (SIGSTOP freezes the process, SIGCONT thaws it). */
  signal(signal: NodeJS.Signals): void {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
  }

  logs(): string {
    return this.output;
  }
}
