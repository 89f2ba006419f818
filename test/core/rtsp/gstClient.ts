import { spawn } from 'node:child_process';
import path from 'node:path';

export interface GstFrame {
  width: number;
  height: number;
  /** Mean RGB of each quarter: top left, top right, bottom left, bottom right. */
  quadrants: [number, number, number][];
}

export interface GstPullOptions {
  protocol: 'tcp' | 'udp';
  frames: number;
  user?: string;
  password?: string;
  timeoutMs?: number;
}

const script = path.resolve(__dirname, '../../../../test/core/rtsp/gstRtspPull.py');

/**
 * Pulls `url` with GStreamer's rtspsrc (gstRtspPull.py) and resolves with the decoded frames'
 * sizes and quadrant colours; rejects with the script's last lines when it fails, and kills it
 * at the deadline.
 */
export function gstPull(url: string, options: GstPullOptions): Promise<GstFrame[]> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const args = [script, '--url', url, '--protocol', options.protocol, '--frames', String(options.frames)];
  args.push('--timeout', String(timeoutMs / 1000 - 2));
  if (options.user !== undefined) args.push('--user', options.user, '--password', options.password ?? '');
  const child = spawn('/usr/bin/python3', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-2000)));
  const deadline = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('close', (code) => {
      clearTimeout(deadline);
      const lines = stdout.split('\n').filter((l) => l.length > 0);
      if (code !== 0) {
        reject(new Error(`gstRtspPull exited ${code}: ${lines.slice(-3).join(' | ')}\n${stderr}`));
        return;
      }
      resolve(lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as GstFrame));
    });
  });
}
