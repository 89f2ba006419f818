import { readdirSync, readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Threads of this process, from /proc (native threads included). */
export function threadCount(): number {
  return readdirSync('/proc/self/task').length;
}

/** The names of this process's threads (what `top -H` and `ps -L` show). */
export function threadNames(): string[] {
  return readdirSync('/proc/self/task').map((task) =>
    readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim(),
  );
}

/** Open file descriptors of this process. */
export function openFdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

/** Resident set size in MiB, from /proc (includes native allocations). */
export function rssMiB(): number {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return line ? Number(line.split(/\s+/)[1]) / 1024 : 0;
}

/**
 * A full garbage collection of this process, so that a leak check compares memory that is still
 * held rather than garbage V8 has not yet had a reason to collect (a busy process may keep a
 * burst's garbage for many minutes). Tests only: `--expose-gc` is set at run time and `gc` is
 * taken from a fresh context, which sees the flag.
 */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
