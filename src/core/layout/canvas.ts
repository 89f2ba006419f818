/** The output picture every tile is cut from, in pixels; an `OutputConfig` is one. */
export interface Canvas {
  readonly width: number;
  readonly height: number;
}
