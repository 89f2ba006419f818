import { spawn } from 'node:child_process';

/** What one process cost, from GNU time (the kernel's rusage of the finished child). */
export interface ProcessCost {
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
  stdout: string;
  stderr: string;
}

/** Runs `command` under /usr/bin/time and returns its CPU (user+sys), wall time and peak RSS. */
export function measureCommand(command: string[], timeoutMs: number): Promise<ProcessCost> {
  return new Promise((resolve, reject) => {
    const marker = '@@cost';
    const child = spawn('/usr/bin/time', ['-f', `${marker} %e %U %S %M`, ...command], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = stderr.split('\n').find((l) => l.startsWith(marker));
      if (code !== 0 || !line) {
        reject(new Error(`${command[0]} exited with ${code}:\n${stderr.slice(-2000)}`));
        return;
      }
      const [wall, user, sys, maxRssKiB] = line.split(' ').slice(1).map(Number);
      resolve({ wallSeconds: wall, cpuSeconds: user + sys, peakRssMiB: maxRssKiB / 1024, stdout, stderr });
    });
  });
}
