import type { ChildProcess } from 'node:child_process';

/** Everything a child prints on stdout, line by line, awaitable from the start of its life. */
export class ChildLines {
  private text = '';
  private exited = false;
  private readonly waiters = new Set<() => void>();

  constructor(child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => {
      this.text += chunk.toString();
      for (const wake of this.waiters) wake();
    });
    child.on('exit', () => {
      this.exited = true;
      for (const wake of this.waiters) wake();
    });
  }

  async find(test: (line: string) => boolean, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.text.split('\n').find(test);
      if (line) return line;
      if (this.exited) throw new Error(`exited before the expected line: ${this.text.slice(-500)}`);
      if (Date.now() > deadline)
        throw new Error(`no expected line within ${timeoutMs} ms: ${this.text.slice(-500)}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, Math.max(0, deadline - Date.now()));
        this.waiters.add(wake);
      });
    }
  }
}
