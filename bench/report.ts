import type { ScenarioResult } from './mosaicBench';
import type { ViewerFigures } from './viewerBench';

export interface BenchReport {
  date: string;
  machine: string;
  results: ScenarioResult[];
  viewers?: ViewerFigures;
}

/** The results as the Markdown table the README links. */
export function markdownReport(report: BenchReport): string {
  const lines = [
    `# camera-mosaic benchmark (${report.date}, ${report.machine})`,
    '',
    'CPU = process user+sys seconds per output second (1.0 = one core busy); each scenario measures',
    'ours, the reference and the floor on the same cameras in the same run.',
    '',
    '| scenario | ours CPU | xstack CPU | ours / xstack | floor CPU | over floor | ours RSS MiB | xstack RSS MiB | latency p50/p95/p99 ms |',
    '|---|---|---|---|---|---|---|---|---|',
    ...report.results.map(
      (r) =>
        `| ${r.scenario} | ${r.ours.cpuPerOutputSecond} | ${r.reference.cpuPerOutputSecond} | ${r.ratioToReference} | ` +
        `${r.floor.cpuPerOutputSecond} | ${r.overheadAboveFloorPercent} % | ${r.ours.peakRssMiB} | ${r.reference.peakRssMiB} | ` +
        `${r.ours.latencyMs.p50} / ${r.ours.latencyMs.p95} / ${r.ours.latencyMs.p99} |`,
    ),
    '',
    'Floor = each camera decoded alone (`ffmpeg -i URL -f null -`) + one encode of our recorded canvas.',
    '',
  ];
  if (report.results[0]) lines.push('Reference command (scenario 1):', '', '```', report.results[0].reference.command, '```', '');
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
      '| viewers | viewer processes | server CPU % | CPU % per viewer | sent fps | received fps | lost packets | broken frames |',
      '|---|---|---|---|---|---|---|---|',
      ...viewers.fanout.map(
        (f) =>
          `| ${f.viewers} | ${f.swarmProcesses} | ${f.serverCpuPercent} | ${f.cpuPerViewerPercent} | ${f.sentFramesPerViewerPerSecond} | ` +
          `${f.framesPerViewerPerSecond} | ${f.lostPackets} | ${f.brokenFrames} |`,
      ),
      '',
    );
  }
  return lines.join('\n');
}
