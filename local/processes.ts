// Child processes of the local stack: each logs to its own file, and all of them stop together.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export class Supervisor {
  private readonly children = new Set<{ name: string; proc: ChildProcess }>();
  private stopping = false;

  constructor(private readonly logDir: string) {
    mkdirSync(logDir, { recursive: true });
  }

  logFile(name: string): string {
    return join(this.logDir, `${name}.log`);
  }

  spawn(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
    const log = createWriteStream(join(this.logDir, `${name}.log`), { flags: 'a' });
    const proc = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout?.pipe(log);
    proc.stderr?.pipe(log);
    const entry = { name, proc };
    this.children.add(entry);
    proc.on('exit', (code, signal) => {
      this.children.delete(entry);
      if (!this.stopping) console.error(`! ${name} exited (${signal ?? `code ${code}`}); see ${join(this.logDir, `${name}.log`)}`);
    });
    return proc;
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.children].map(
        ({ proc }) =>
          new Promise<void>((resolve) => {
            if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
            const force = setTimeout(() => proc.kill('SIGKILL'), 5000);
            proc.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
            proc.kill('SIGTERM');
          }),
      ),
    );
  }
}

/**
 * Polls `probe` until it resolves. Fails at once, with the end of its log, if `proc` exits first,
 * and after `timeoutMs` otherwise (generous: four JVMs starting on two cores take a while).
 */
export async function waitFor(
  what: string,
  probe: () => Promise<unknown>,
  opts: { proc?: ChildProcess; logFile?: string; timeoutMs?: number } = {},
): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 90_000;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (opts.proc && (opts.proc.exitCode !== null || opts.proc.signalCode !== null)) {
      throw new Error(`${what} exited before it was ready${opts.logFile ? `; the end of ${opts.logFile}:\n${tail(opts.logFile)}` : ''}`);
    }
    try {
      await probe();
      return;
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  throw new Error(`${what} did not become ready within ${timeoutMs / 1000} s: ${(last as Error)?.message ?? last}`);
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
