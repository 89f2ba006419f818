/**
 * The built-in demo: four synthetic cameras (FFmpeg's lavfi test sources, no hardware) in the
 * classic four-pane layout, so a new user sees a mosaic before owning a camera.
 */
export function demoConfig(): Record<string, unknown> {
  return {
    cameras: [
      { name: 'left', url: 'demo:testsrc2?size=640x360&rate=25' },
      { name: 'top', url: 'demo:smptehdbars?size=640x360&rate=25' },
      { name: 'bottom', url: 'demo:testsrc?size=640x360&rate=25' },
      { name: 'right', url: 'demo:rgbtestsrc?size=640x360&rate=25' },
    ],
    output: { width: 1920, height: 1080, fps: 25, bitrate: 4000000, gop: 50 },
    // cover: the tall side panes show a crop of their camera rather than a squashed picture.
    layout: { preset: 'classic4', cameras: ['left', 'top', 'bottom', 'right'], fit: 'cover' },
    labels: { names: true, clock: true },
  };
}
