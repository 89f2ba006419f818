import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../helpers/wait';

const cli = join(__dirname, '..', '..', 'src', 'core', 'cli.js');

/** One real CLI process on a config file, as an attacker meets it (issue 18's scripts). */
export interface CliRun {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** The base URL from the "serving the mosaic at" line. */
  url: () => Promise<string>;
}

/** Real CLI processes in a scratch directory; `close()` kills what is left and removes it. */
export class CliRunner {
  private readonly directory = mkdtempSync(join(tmpdir(), 'mosaic-issue18-'));
  private readonly children = new Set<ChildProcess>();

  get path(): string {
    return this.directory;
  }

  /** `as`: run the CLI as another user (root can; file modes then apply to it as to a user). */
  start(config: unknown, extraArgs: string[] = [], as?: { uid: number; gid: number }): CliRun {
    const path = join(this.directory, `config-${this.children.size}-${Date.now()}.json`);
    writeFileSync(path, JSON.stringify(config), { mode: 0o644 });
    if (as) chmodSync(this.directory, 0o755);
    const env = { ...process.env, CAMERA_MOSAIC_LOG: 'info' };
    const args = [cli, '--config', path, '--port', '0', '--host', '127.0.0.1', ...extraArgs];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env, ...as });
    this.children.add(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => {
        this.children.delete(child);
        resolve(code);
      }),
    );
    const url = () =>
      waitFor('the serving line', () => /serving the mosaic at (http:\/\/\S+)/.exec(output)?.[1], 15_000);
    return { child, output: () => output, exited, url };
  }

  close(): void {
    for (const child of this.children) child.kill('SIGKILL');
    rmSync(this.directory, { recursive: true, force: true });
  }
}
