import { readdirSync, readFileSync } from 'node:fs';

/** Threads of this process, from /proc (native threads included). */
export function threadCount(): number {
  return readdirSync('/proc/self/task').length;
}

/** Open file descriptors of this process. */
export function openFdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

/** Resident set size in MiB, from /proc (includes native allocations). */
export function rssMiB(): number {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return line ? Number(line.split(/\s+/)[1]) / 1024 : 0;
}
