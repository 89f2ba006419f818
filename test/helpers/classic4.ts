/** The classic four-pane layout's tiles on a 1920x1080 canvas, as the issue and users state them. */
export const classic4Rects = {
  left: { x: 0, y: 0, width: 480, height: 1080 },
  top: { x: 480, y: 0, width: 960, height: 540 },
  bottom: { x: 480, y: 540, width: 960, height: 540 },
  right: { x: 1440, y: 0, width: 480, height: 1080 },
} as const;
