import { ConfigError, type ConfigIssue } from '../errors';
import type { Canvas } from './canvas';
import { splitEqually } from './splitEven';
import type { FitMode, Tile } from './tile';

export interface GridOptions {
  /** Rows of the grid; derived from the camera count when left out. */
  rows?: number | undefined;
  /** Cells per row; when given, the grid is regular (see {@link gridTiles}). */
  columns?: number | undefined;
  fit: FitMode;
}

export interface GridShape {
  rows: number;
  columns: number;
}

/**
 * Rows and columns for `count` cameras. Without either: the smallest near-square grid with at
 * least as many columns as rows, since canvases are wider than tall (4 → 2x2, 5 → 3+2, 7 → 3x3,
 * 10 → 4x3). With one of them, the other is the fewest that hold every camera.
 */
export function gridShape(count: number, rows?: number, columns?: number): GridShape {
  if (rows !== undefined && columns !== undefined) return { rows, columns };
  if (rows !== undefined) return { rows, columns: Math.ceil(count / rows) };
  if (columns !== undefined) return { rows: Math.ceil(count / columns), columns };
  const square = Math.ceil(Math.sqrt(count));
  return { rows: Math.ceil(count / square), columns: square };
}

/**
 * Cameras in reading order on a grid.
 *
 * Without `columns`, the cameras are spread over the rows as evenly as possible (earlier rows
 * take the extra one) and each row is split evenly across the full width, so the canvas is
 * covered with no hole: 5 cameras are 3 over 2, 7 are 3, 2, 2. With `columns`, the user asked for
 * a regular grid: every cell is one column wide and cells without a camera stay black.
 */
export function gridTiles(cameras: readonly string[], canvas: Canvas, options: GridOptions): Tile[] {
  if (cameras.length === 0) return [];
  const shape = gridShape(cameras.length, options.rows, options.columns);
  const problems = shapeProblems(shape, cameras.length, canvas, options);
  if (problems.length > 0) throw new ConfigError(problems);
  const perRow =
    options.columns === undefined
      ? balancedRowCounts(cameras.length, shape.rows)
      : regularRowCounts(cameras.length, shape);
  const rowSpans = splitEqually(canvas.height, shape.rows);
  const tiles: Tile[] = [];
  perRow.forEach((count, row) => {
    const { start: y, size: height } = rowSpans[row];
    const cellSpans = splitEqually(canvas.width, options.columns ?? count);
    for (const { start: x, size: width } of cellSpans.slice(0, count)) {
      tiles.push({ camera: cameras[tiles.length], x, y, width, height, fit: options.fit, stream: 'auto' });
    }
  });
  return tiles;
}

function balancedRowCounts(count: number, rows: number): number[] {
  const base = Math.floor(count / rows);
  const extra = count % rows;
  return Array.from({ length: rows }, (_, row) => base + (row < extra ? 1 : 0));
}

function regularRowCounts(count: number, shape: GridShape): number[] {
  return Array.from({ length: shape.rows }, (_, row) =>
    Math.max(0, Math.min(shape.columns, count - row * shape.columns)),
  );
}

/** A shape the user forced that cannot hold the cameras, or cells under 2 pixels. */
function shapeProblems(shape: GridShape, count: number, canvas: Canvas, options: GridOptions): ConfigIssue[] {
  const problems: ConfigIssue[] = [];
  const cells = shape.rows * shape.columns;
  if (cells < count) {
    const reason = `${shape.rows} rows x ${shape.columns} columns hold ${cells} cameras, not ${count}`;
    problems.push({ field: 'layout', reason });
  }
  // 2 pixels is the smallest even size; below it a camera has no tile at all.
  if (shape.columns * 2 > canvas.width) {
    problems.push({
      field: options.columns === undefined ? 'layout' : 'layout.columns',
      reason: `${shape.columns} columns do not fit in output.width ${canvas.width}`,
    });
  }
  if (shape.rows * 2 > canvas.height) {
    problems.push({
      field: options.rows === undefined ? 'layout' : 'layout.rows',
      reason: `${shape.rows} rows do not fit in output.height ${canvas.height}`,
    });
  }
  return problems;
}
