import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ChildLines } from '../test/helpers/childLines';
import type { SwarmViewerFigures } from '../test/helpers/viewerSwarm';

/**
 * At most 25 viewers a process: one Node process decrypting 50 SRTP streams saturates its core
 * and drops frames the server did send.
 */
const viewersPerProcess = 25;
const swarmScript = join(__dirname, '..', 'test', 'helpers', 'viewerSwarm.js');

/** `total` split into parts of at most `size`, as even as possible: 50 by 25 → [25, 25]. */
function splitInto(total: number, size: number): number[] {
  const parts = Math.ceil(total / size);
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

/**
 * WHEP viewers (werift) in processes of their own, apart from the server's, so their CPU is not
 * the server's: test/helpers/viewerSwarm.ts, each counting what its viewers receive from READY
 * until `finish()`. Every swarm counts over the same window.
 */
export class ViewerSwarms {
  readonly processes: number;
  /** performance.now() when every viewer played: where their counting began. */
  readyAt = 0;
  private readonly swarms: { child: ChildProcess; lines: ChildLines }[];

  constructor(endpoint: string, viewers: number) {
    this.swarms = splitInto(viewers, viewersPerProcess).map((count) => {
      const child = spawn(process.execPath, [swarmScript, endpoint, String(count), '-'], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      return { child, lines: new ChildLines(child) };
    });
    this.processes = this.swarms.length;
  }

  /** Resolves once every viewer has its first keyframe (and counting has begun). */
  async ready(timeoutMs = 120_000): Promise<void> {
    await Promise.all(this.swarms.map((s) => s.lines.find((l) => l === 'READY', timeoutMs)));
    this.readyAt = performance.now();
  }

  /** Ends the window: what each viewer received since READY, once every swarm has exited. */
  async finish(): Promise<SwarmViewerFigures[]> {
    for (const swarm of this.swarms) swarm.child.stdin?.end();
    const received = await Promise.all(
      this.swarms.map(
        async (s) => JSON.parse(await s.lines.find((l) => l.startsWith('['), 60_000)) as SwarmViewerFigures[],
      ),
    );
    await Promise.all(
      this.swarms.map((s) =>
        s.child.exitCode === null && s.child.signalCode === null
          ? new Promise((resolve) => s.child.once('exit', resolve))
          : undefined,
      ),
    );
    return received.flat();
  }

  /** For a run that failed: ends every swarm now. Harmless after `finish()`. */
  kill(): void {
    for (const { child } of this.swarms)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/**
 * `total` viewers in swarms of at most `perSwarm`, each started once the one before plays. On a
 * loaded machine werift's DTLS server can fail a handshake whose flight the client retransmitted
 * (seen at load 8 on two cores: `onHandleHandshakes error`, the viewer closed with "DTLS
 * failed"), and one failed viewer keeps its whole swarm from READY; so a swarm that does not
 * play is ended and started again, up to `tries` times, without losing the ones already playing.
 */
export async function connectViewers(
  endpoint: string,
  total: number,
  perSwarm: number,
  tries = 3,
): Promise<ViewerSwarms[]> {
  const playing: ViewerSwarms[] = [];
  try {
    for (let left = total; left > 0; left -= perSwarm) {
      const count = Math.min(left, perSwarm);
      for (let attempt = 1; ; attempt++) {
        const swarm = new ViewerSwarms(endpoint, count);
        try {
          await swarm.ready();
          playing.push(swarm);
          break;
        } catch (error) {
          swarm.kill();
          if (attempt >= tries) throw error;
          process.stderr.write(`${count} viewers did not all play (${String(error)}); again\n`);
        }
      }
    }
  } catch (error) {
    for (const swarm of playing) swarm.kill();
    throw error;
  }
  return playing;
}
