import type { Engine } from '../src/core/engine';
import type { EngineStatsDocument } from '../src/core/http/statsDocument';
import { measureOwnCpu } from './ownCpuWindow';
import type { ClientGroup } from './transportClients';

export type Transport = 'webrtc' | 'rtsp' | 'mse' | 'hls';
export const transports: readonly Transport[] = ['webrtc', 'rtsp', 'mse', 'hls'];

/**
 * Below this share of the encoder's bytes per client a transport did not deliver the stream.
 * Each sends a little more than the encode (RTP, fMP4 and SRTP headers), so a healthy client
 * sits near 1.0; half leaves room for a window boundary cutting through a keyframe burst, or
 * through an HLS player's fetch of a whole segment (0.85 to 0.96 seen).
 */
const minDeliveredRatio = 0.5;

/** One window: which clients were on, what the server process cost and what it sent. */
export interface TransportWindow {
  step: string;
  clients: Record<Transport, number>;
  /** The whole process (encoder, mux, packetizers, sockets), % of one core. */
  cpuPercent: number;
  /** The JS thread alone, % of one core. */
  mainThreadCpuPercent: number;
  encodedMbitPerSecond: number;
  /** What each transport sent per second, all its clients together. */
  sentMbitPerSecond: Record<Transport, number>;
}

export const rounded = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Each transport's clients as the server counts them. */
export function clientsOf(stats: EngineStatsDocument): Record<Transport, number> {
  return {
    webrtc: stats.viewers.filter((v) => v.state === 'live').length,
    rtsp: stats.rtsp?.clients ?? 0,
    mse: stats.mse?.clients ?? 0,
    hls: stats.hls?.clients ?? 0,
  };
}

/**
 * Whether the server's count of `transport`'s clients says `expected` are on. HLS counts the HTTP
 * connections that asked lately, and ffmpeg opens several per player (playlist, segments), so
 * there it is at least `expected`; the bytes check below still divides by the players.
 */
export function countMatches(transport: Transport, counted: number, expected: number): boolean {
  return transport === 'hls' && expected > 0 ? counted >= expected : counted === expected;
}

/** Bytes each transport has sent, and the encoder has made, so far. */
function byteCounters(engine: Engine): Record<Transport | 'encoded', () => number> {
  return {
    encoded: () => engine.stats().output.bytes,
    webrtc: () => engine.stats().viewers.reduce((sum, v) => sum + v.bytesSent, 0),
    rtsp: () => engine.stats().rtsp?.bytesSent ?? 0,
    mse: () => engine.stats().mse?.bytesSent ?? 0,
    hls: () => engine.stats().hls?.bytesSent ?? 0,
  };
}

/**
 * Measures one window with `expected` clients on, and fails unless the server counted exactly
 * those clients at both ends and sent each of them about what the encoder made.
 */
export async function measureStep(
  engine: Engine,
  step: string,
  windowSeconds: number,
  expected: Record<Transport, number>,
  groups: readonly ClientGroup[],
): Promise<TransportWindow> {
  const check = (when: string) => {
    const stats = engine.stats();
    const counted = clientsOf(stats);
    const failures = groups.flatMap((g) => g.failures());
    for (const transport of transports)
      if (!countMatches(transport, counted[transport], expected[transport]))
        failures.unshift(`${counted[transport]} ${transport} clients, not ${expected[transport]}`);
    if (failures.length)
      throw new Error(
        `${step}, ${when}:\n${failures.join('\n')}\n` +
          `server: ${JSON.stringify({ rtsp: stats.rtsp, mse: stats.mse, hls: stats.hls })}\n` +
          `clients said: ${groups.flatMap((g) => g.said()).join('\n') || 'nothing'}`,
      );
  };
  check('window start');
  const cost = await measureOwnCpu(windowSeconds, byteCounters(engine));
  check('window end');
  const { growth, wallSeconds } = cost;
  if (growth.encoded <= 0) throw new Error(`${step}: the encoder made nothing in the window`);
  for (const transport of transports) {
    const ratio = expected[transport] ? growth[transport] / expected[transport] / growth.encoded : 1;
    if (ratio < minDeliveredRatio)
      throw new Error(
        `${step}: each ${transport} client was sent ${rounded(ratio)} of the encoded bytes, ` +
          `under ${minDeliveredRatio}: its clients did not get the stream`,
      );
  }
  const mbit = (bytes: number) => rounded((bytes * 8) / wallSeconds / 1e6);
  return {
    step,
    clients: { ...expected },
    cpuPercent: rounded(cost.cpuPercent, 1),
    mainThreadCpuPercent: rounded(cost.mainThreadCpuPercent, 1),
    encodedMbitPerSecond: mbit(growth.encoded),
    sentMbitPerSecond: {
      webrtc: mbit(growth.webrtc),
      rtsp: mbit(growth.rtsp),
      mse: mbit(growth.mse),
      hls: mbit(growth.hls),
    },
  };
}
