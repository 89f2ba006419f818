/** The mosaics the benchmark measures (issue 6), each against ffmpeg's xstack doing the same. */
export interface Scenario {
  name: string;
  cameras: number;
  cameraWidth: number;
  cameraHeight: number;
  fps: number;
  width: number;
  height: number;
  /** The layout in our config. */
  layout: Record<string, unknown>;
  /** Each input's rectangle, in input order, for xstack. */
  rects: { x: number; y: number; width: number; height: number }[];
}

function grid(columns: number, rows: number, width: number, height: number) {
  const w = width / columns;
  const h = height / rows;
  return Array.from({ length: columns * rows }, (_, i) => ({
    x: (i % columns) * w,
    y: Math.floor(i / columns) * h,
    width: w,
    height: h,
  }));
}

const names = (n: number) => Array.from({ length: n }, (_, i) => `cam${i + 1}`);

export const scenarios: Scenario[] = [
  {
    name: '4 cameras 640x360@25 → classic4 1920x1080@25',
    cameras: 4,
    cameraWidth: 640,
    cameraHeight: 360,
    fps: 25,
    width: 1920,
    height: 1080,
    layout: { preset: 'classic4', cameras: names(4) },
    rects: [
      { x: 0, y: 0, width: 480, height: 1080 },
      { x: 480, y: 0, width: 960, height: 540 },
      { x: 480, y: 540, width: 960, height: 540 },
      { x: 1440, y: 0, width: 480, height: 1080 },
    ],
  },
  {
    name: '9 cameras 640x360@25 → 3x3 grid 1920x1080@25',
    cameras: 9,
    cameraWidth: 640,
    cameraHeight: 360,
    fps: 25,
    width: 1920,
    height: 1080,
    layout: { preset: 'grid', cameras: names(9), rows: 3, columns: 3 },
    rects: grid(3, 3, 1920, 1080),
  },
  {
    name: '16 cameras 320x180@15 → 4x4 grid 1280x720@15',
    cameras: 16,
    cameraWidth: 320,
    cameraHeight: 180,
    fps: 15,
    width: 1280,
    height: 720,
    layout: { preset: 'grid', cameras: names(16), rows: 4, columns: 4 },
    rects: grid(4, 4, 1280, 720),
  },
];

export function cameraNames(scenario: Scenario): string[] {
  return names(scenario.cameras);
}

/** x264 settings shared by ours and the reference: ultrafast, zerolatency, baseline, GOP 2 s. */
export function encoderSettings(scenario: Scenario) {
  const bitrate = scenario.width >= 1920 ? 4000000 : 2000000;
  return { bitrate, gop: scenario.fps * 2 };
}

/** ffmpeg's libx264 arguments for the same settings. */
export function ffmpegEncoderArgs(scenario: Scenario): string[] {
  const { bitrate, gop } = encoderSettings(scenario);
  return [
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-tune',
    'zerolatency',
    '-profile:v',
    'baseline',
    '-b:v',
    String(bitrate),
    '-maxrate',
    String(bitrate),
    '-bufsize',
    String(bitrate / 2),
    '-g',
    String(gop),
  ];
}

/** The reference: the same mosaic with ffmpeg's scale + xstack filters, running until stopped. */
export function xstackCommand(scenario: Scenario, urls: string[]): string[] {
  const scales = scenario.rects.map((r, i) => `[${i}:v]scale=${r.width}:${r.height}[v${i}]`).join(';');
  const inputs = scenario.rects.map((_, i) => `[v${i}]`).join('');
  const layout = scenario.rects.map((r) => `${r.x}_${r.y}`).join('|');
  const filter = `${scales};${inputs}xstack=inputs=${urls.length}:layout=${layout}:fill=black,fps=${scenario.fps},format=yuv420p[v]`;
  return [
    'ffmpeg',
    '-hide_banner',
    '-nostdin',
    ...urls.flatMap((url) => ['-rtsp_transport', 'tcp', '-i', url]),
    '-filter_complex',
    filter,
    '-map',
    '[v]',
    ...ffmpegEncoderArgs(scenario),
    '-f',
    'null',
    '-',
  ];
}
