import { readFileSync } from 'node:fs';

/** systemd's default soft limit, assumed where /proc/self/limits cannot be read. */
const assumedDescriptorLimit = 1024;

/** The soft RLIMIT_NOFILE of this process (Linux), else 1024. */
export function descriptorLimit(limitsText?: string): number {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return assumedDescriptorLimit;
    }
  }
  const soft = /^Max open files\s+(\d+|unlimited)/m.exec(text)?.[1];
  if (soft === undefined) return assumedDescriptorLimit;
  return soft === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(soft);
}

/**
 * How many HTTP connections to hold at once: a quarter of the descriptors, so idle connections
 * can never take the ones cameras, viewers' UDP sockets and files need (1,100 idle connections
 * under `ulimit -n 1024` ended the process). Between 16 and 1024; a household needs tens.
 */
export function defaultMaxConnections(limit = descriptorLimit()): number {
  return Math.max(16, Math.min(1024, Math.floor(limit / 4)));
}

/** True for the errors that mean "out of descriptors": the process or the system. */
export function isDescriptorExhaustion(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EMFILE' || code === 'ENFILE';
}
