import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dbScript = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli/db.ts');

export interface SpawnedDatabase {
  child: ChildProcess;
  /** The DATABASE_URL the process printed. */
  url: string;
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/** Runs `podcite db --port 0 --dir DIR` (under tsx, so signals reach it) and waits for its DATABASE_URL line. */
export function spawnDatabase(options: { dir: string; startTimeoutMs?: number }): Promise<SpawnedDatabase> {
  const child = spawn(process.execPath, ['--import', 'tsx', dbScript, '--port', '0', '--dir', options.dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`podcite db did not start in time; stderr:\n${stderr}`));
    }, options.startTimeoutMs ?? 60_000);
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      const match = /^DATABASE_URL=(\S+)$/m.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: match[1], stderr: () => stderr, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`podcite db exited with ${code} before serving; stderr:\n${stderr}`));
    });
  });
}
