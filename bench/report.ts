import type { ScenarioResult } from './mosaicBench';
import type { ViewerFigures } from './viewerBench';
import { idleMarkdown, type IdleRow } from './idleBench';
import type { TransportFigures } from './transportBench';
import { transportMarkdown } from './transportReport';

export interface BenchReport {
  date: string;
  machine: string;
  results: ScenarioResult[];
  viewers?: ViewerFigures;
  /** Each mosaic busy and idle, in the same run. */
  idle?: IdleRow[];
  /** Each transport's cost per client, next to WebRTC viewers, in the same run. */
  transports?: TransportFigures;
}

function windowOf(report: BenchReport): number {
  return report.results[0]?.windowSeconds ?? 0;
}

/** The results as the Markdown table the README links. */
export function markdownReport(report: BenchReport): string {
  const lines = [
    `# camera-mosaic benchmark (${report.date}, ${report.machine})`,
    '',
    'CPU = process user+sys seconds per output second (1.0 = one core busy) in the steady state: over a',
    `window of ${windowOf(report)} s that opens 3 s after the process's first output frame, so neither ffmpeg's probing`,
    "of its inputs nor Node's start-up is counted. Ours and the reference take turns on the same cameras; each",
    'figure is the median of its rounds, and "rounds" lists ours / xstack of each round.',
    '',
    '| scenario | ours CPU | xstack CPU | ours / xstack | rounds | floor CPU | over floor | ours RSS MiB | xstack RSS MiB | latency p50/p95/p99 ms |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...report.results.map(
      (r) =>
        `| ${r.scenario} | ${r.ours.cpuPerOutputSecond} | ${r.reference.cpuPerOutputSecond} | ${r.ratioToReference} | ` +
        `${r.rounds.map((round) => (round.ours / round.reference).toFixed(2)).join(', ')} | ` +
        `${r.floor.cpuPerOutputSecond} | ${r.overheadAboveFloorPercent} % | ${r.ours.peakRssMiB} | ${r.reference.peakRssMiB} | ` +
        `${r.ours.latencyMs.p50} / ${r.ours.latencyMs.p95} / ${r.ours.latencyMs.p99} |`,
    ),
    '',
    "Where our CPU goes, the median round's CPU per output second by thread: the cameras' threads demux and",
    "decode; the clock composes, scales and runs x264's main work; then x264's slice threads, and Node.",
    '',
    ...report.results.map(
      (r) =>
        `- ${r.scenario}: cameras ${r.ours.byThread.cameras}, clock ${r.ours.byThread.clock}, ` +
        `x264 slices ${r.ours.byThread.x264Slices}, Node ${r.ours.byThread.other}`,
    ),
    '',
    'Floor = each camera decoded alone (`ffmpeg -i URL -f null -`, over the same window) + one encode of our',
    'recorded canvas.',
    '',
  ];
  if (report.results[0])
    lines.push('Reference command (scenario 1):', '', '```', report.results[0].reference.command, '```', '');
  const viewers = report.viewers;
  if (viewers) {
    lines.push(
      `New WHEP viewer, offer to first whole keyframe: median **${viewers.timeToFirstFrameMs.median} ms** ` +
        `(samples ${viewers.timeToFirstFrameMs.samples.join(', ')}).`,
      '',
      `Fan-out on the 1080p25 demo (server idle: ${viewers.idleServerCpuPercent} % of a core; viewers run in other processes, ` +
        'at most 25 each, on the same 2 cores; "sent" is the slowest viewer\'s access units per second from the server\'s /stats, ' +
        '"received" the median viewer\'s whole frames per second):',
      '',
      '| viewers | viewer processes | server CPU % | CPU % per viewer | sent fps | received fps | lost packets | broken frames | UDP receive-buffer drops |',
      '|---|---|---|---|---|---|---|---|---|',
      ...viewers.fanout.map(
        (f) =>
          `| ${f.viewers} | ${f.swarmProcesses} | ${f.serverCpuPercent} | ${f.cpuPerViewerPercent} | ${f.sentFramesPerViewerPerSecond} | ` +
          `${f.framesPerViewerPerSecond} | ${f.lostPackets} | ${f.brokenFrames} | ${f.udpReceiveBufferDrops} |`,
      ),
      '',
      "UDP receive-buffer drops are the host's (RcvbufErrors in /proc/net/snmp and snmp6) over the window: packets the",
      "kernel dropped because a socket's buffer was full. Each viewer socket gets a 4 MiB buffer",
      '(test/helpers/viewerSocketBuffers.ts): 25 viewers share one event loop here, where a browser reads its one',
      'stream on its own machine.',
      '',
    );
  }
  if (report.idle) lines.push(...idleMarkdown(report.idle));
  if (report.transports) lines.push(...transportMarkdown(report.transports));
  return lines.join('\n');
}
