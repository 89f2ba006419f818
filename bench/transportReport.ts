import type { TransportFigures } from './transportBench';
import type { Transport } from './transportWindow';

const names: Record<Transport, string> = { webrtc: 'WebRTC', rtsp: 'RTSP', mse: 'MSE', hls: 'HLS' };

const signed = (value: number) => `${value >= 0 ? '+' : ''}${value}`;

/** The transports bench as Markdown, for transports.md and bench.md. */
export function transportMarkdown(figures: TransportFigures): string[] {
  const { windows, costs, webrtcReceived: received } = figures;
  const viewers = received.viewers;
  const alone = windows.filter((w) => w.round > 0 && w.clients.rtsp + w.clients.mse + w.clients.hls === 0);
  const spread = (values: number[]) => `${Math.min(...values)} to ${Math.max(...values)}`;
  return [
    'Transports side by side, in one run: the 1080p25 demo (4 Mbit/s) served by the Engine in one process,',
    `its CPU over a ${figures.windowSeconds} s window after each step; every client in another process (not counted),`,
    `on the same ${figures.machine}. The ${viewers} WebRTC viewers (werift over WHEP, ${received.viewersPerProcess} to a process) join`,
    `once and stay; RTSP (\`ffmpeg -rtsp_transport ${figures.rtspTransport} -c copy -f null\`), MSE (WebSockets on /mse`,
    'dropping what they get) and HLS clients (the same ffmpeg on /hls/index.m3u8) are added one transport',
    `after another and removed together, ${figures.rounds} rounds. CPU in % of one core; sent in Mbit/s, all clients together.`,
    '',
    '| round | step | WebRTC | RTSP | MSE | HLS | process CPU % | JS thread CPU % | encoded | sent WebRTC / RTSP / MSE / HLS |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...windows.map(
      (w) =>
        `| ${w.round} | ${w.step} | ${w.clients.webrtc} | ${w.clients.rtsp} | ${w.clients.mse} | ${w.clients.hls} | ` +
        `${w.cpuPercent} | ${w.mainThreadCpuPercent} | ${w.encodedMbitPerSecond} | ` +
        `${w.sentMbitPerSecond.webrtc} / ${w.sentMbitPerSecond.rtsp} / ${w.sentMbitPerSecond.mse} / ${w.sentMbitPerSecond.hls} |`,
    ),
    '',
    "Per client: a step's window minus the one before it, over the step's clients; the median round, then each",
    'round (process / JS thread). WebRTC is measured once, against the encoder alone. "sent / encoded" is what each',
    'client was sent over what the encoder made in the window, the lowest round (1.0 = the whole stream).',
    '',
    '| transport | clients | process CPU % per client | JS thread CPU % per client | rounds | sent / encoded |',
    '|---|---|---|---|---|---|',
    ...costs.map(
      (c) =>
        `| ${names[c.transport]} | ${c.clients} | ${signed(c.cpuPercentPerClient)} | ` +
        `${signed(c.mainThreadCpuPercentPerClient)} | ` +
        `${c.rounds.map((r) => `${signed(r.cpuPercentPerClient)} / ${signed(r.mainThreadCpuPercentPerClient)}`).join(', ')} | ` +
        `${c.deliveredRatio} |`,
    ),
    '',
    `The same ${viewers} WebRTC viewers alone, once a round and at the end, cost ${spread(alone.map((w) => w.cpuPercent))} %`,
    `(process) and ${spread(alone.map((w) => w.mainThreadCpuPercent))} % (JS thread): the machine's swing between windows with the`,
    'same load, against which the steps above stand. RTSP packetizes each access unit once for all its clients;',
    "MSE's step includes starting the one fMP4 mux that HLS then shares; WebRTC encrypts SRTP per viewer.",
    '',
    `The ${viewers} WebRTC viewers received ${received.medianFps} frames a second (median viewer), ` +
      `${received.lostPackets} packets lost, ${received.brokenFrames} broken frames.`,
    '',
  ];
}
