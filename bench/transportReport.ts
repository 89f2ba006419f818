import type { Transport, TransportFigures } from './transportBench';

const names: Record<Transport, string> = { webrtc: 'WebRTC', rtsp: 'RTSP', mse: 'MSE', hls: 'HLS' };

/** The transports bench as Markdown, for transports.md and bench.md. */
export function transportMarkdown(figures: TransportFigures): string[] {
  const { windows, costs, webrtcReceived: received } = figures;
  const first = windows[1];
  const last = windows[windows.length - 1];
  const signed = (value: number) => `${value >= 0 ? '+' : ''}${value}`;
  return [
    'Transports side by side, in one run: the 1080p25 demo (4 Mbit/s) served by the Engine in one process,',
    `its CPU over a ${figures.windowSeconds} s window after each step; every client in another process (not counted),`,
    `on the same ${figures.machine}. RTSP clients are \`ffmpeg -rtsp_transport ${figures.rtspTransport} -c copy -f null\`, HLS`,
    'clients the same ffmpeg on /hls/index.m3u8, MSE clients WebSockets on /mse dropping what they get, WebRTC',
    `viewers werift peers over WHEP (${received.viewersPerProcess} to a process). CPU in % of one core; sent in Mbit/s, all`,
    'clients together.',
    '',
    '| step | WebRTC | RTSP | MSE | HLS | process CPU % | JS thread CPU % | encoded | sent WebRTC / RTSP / MSE / HLS |',
    '|---|---|---|---|---|---|---|---|---|',
    ...windows.map(
      (w) =>
        `| ${w.step} | ${w.clients.webrtc} | ${w.clients.rtsp} | ${w.clients.mse} | ${w.clients.hls} | ` +
        `${w.cpuPercent} | ${w.mainThreadCpuPercent} | ${w.encodedMbitPerSecond} | ` +
        `${w.sentMbitPerSecond.webrtc} / ${w.sentMbitPerSecond.rtsp} / ${w.sentMbitPerSecond.mse} / ${w.sentMbitPerSecond.hls} |`,
    ),
    '',
    'Per client: a step\'s window minus the one before it, over the step\'s clients. "sent / encoded" is what each',
    'client was sent over what the encoder made in that window (1.0 = the whole stream; headers add a little).',
    '',
    '| transport | clients | process CPU % per client | JS thread CPU % per client | sent / encoded |',
    '|---|---|---|---|---|',
    ...costs.map(
      (c) =>
        `| ${names[c.transport]} | ${c.clients} | ${signed(c.cpuPercentPerClient)} | ` +
        `${signed(c.mainThreadCpuPercentPerClient)} | ${c.deliveredRatio} |`,
    ),
    '',
    `Drift: the same ${first.clients.webrtc} WebRTC viewers alone at the start and at the end of the run cost ` +
      `${first.cpuPercent} and ${last.cpuPercent} % (process), ${first.mainThreadCpuPercent} and ` +
      `${last.mainThreadCpuPercent} % (JS thread): differences of that size between steps are noise.`,
    "RTSP's step includes packetizing each access unit once for all its clients; MSE's includes the one fMP4 mux",
    'that HLS then shares; WebRTC encrypts SRTP per viewer.',
    '',
    `The ${received.viewers} WebRTC viewers received ${received.medianFps} frames a second (median viewer) over the run, ` +
      `${received.lostPackets} packets lost, ${received.brokenFrames} broken frames.`,
    '',
  ];
}
