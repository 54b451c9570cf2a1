import { type ChildProcess, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  exited: Promise<[number | null, string | null]>;
  stop(): Promise<void>;
}

/**
 * A Node script as its own process on a free port (given as PORT), once `readyPath` answers 200:
 * the built server for tests and the benchmark, and the benchmark's bare baseline.
 */
export async function startService(
  script: string,
  env: Record<string, string>,
  readyPath = '/health/ready',
): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env, PORT: String(port) } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ready = await fetch(`${url}${readyPath}`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (i > 300 || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`${script} did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return { url, child, output: () => output, exited, stop };
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of stat, counted from the state field (3) here.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident memory of a process, in MB. */
export function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/**
 * A load generator in its own process, so that its work never counts against the server's and
 * its CPU can be measured apart. It answers each message sent to it with exactly one message.
 */
export class Worker {
  private constructor(private readonly child: ChildProcess) {}

  static start(script: string): Worker {
    return new Worker(fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }

  get pid(): number {
    return this.child.pid!;
  }

  ask<T>(message: unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`load worker exited with ${String(code)}`));
      this.child.once('exit', onExit);
      this.child.once('message', (answer: T & { error?: string }) => {
        this.child.off('exit', onExit);
        if (answer.error) reject(new Error(answer.error));
        else resolve(answer);
      });
      this.child.send(message as object);
    });
  }

  stop(): void {
    this.child.kill();
  }
}

/** One question to a fresh worker, which then ends. */
export async function runWorker<T>(script: string, message: unknown): Promise<T> {
  const worker = Worker.start(script);
  try {
    return await worker.ask<T>(message);
  } finally {
    worker.stop();
  }
}

/** The worker side: answers each message with what `handle` returns, or `{ error }`. */
export function serveWorker<T>(handle: (message: T) => Promise<unknown>): void {
  process.on('message', (message: T) => {
    handle(message).then(
      (answer) => process.send!(answer),
      (error: unknown) =>
        process.send!({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The built Convene server's settings for a benchmark on the database at `databaseUrl`. */
function productEnv(databaseUrl: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    // Request logs are an operator's choice; the benchmark measures the server, not its log sink.
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    RUN_MIGRATIONS: 'false',
    // Load from one machine sends far more than people do; the limits themselves still run.
    RATE_LIMIT_MULTIPLIER: '1000',
    ADMIN_EMAIL: 'admin@bench.convene',
    ADMIN_PASSWORD: 'bench-admin-password',
    DATA_DIR: join(root, '.data', 'bench'),
  };
}

/** The built Convene server (dist/src/main.js) on the database at `databaseUrl`. */
export function startProductService(databaseUrl: string): Promise<ServiceProcess> {
  return startService(join(root, 'dist', 'src', 'main.js'), productEnv(databaseUrl));
}
