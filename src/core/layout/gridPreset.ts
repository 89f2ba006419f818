import { ConfigError, type ConfigIssue } from '../errors';
import type { Canvas } from './canvas';
import { splitEqually, type Span } from './splitEven';
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
 * Cameras in reading order on a grid of cells shaped like the canvas.
 *
 * A grid of R rows and C columns is laid on an N x N lattice of the canvas, N = max(R, C), so
 * every cell has the canvas's shape: a camera of that shape (16:9 on 16:9) fills its cell with no
 * distortion, crop or bar, and its label sits on its picture. The block of rows is centred on the
 * canvas; what is left stays black (2 cameras: two 960x540 cells side by side, centred).
 *
 * Without `columns`, the cameras are spread over the rows as evenly as possible (earlier rows
 * take the extra one) and each row is centred: 3 cameras are 2 over 1, 5 are 3 over 2, 7 are 3,
 * 2, 2, all cells the same size. With `columns`, the user asked for a regular grid: rows start at
 * the block's left edge and cells without a camera stay black.
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
  const side = latticeSide(shape);
  const columnSpans = splitEqually(canvas.width, side);
  const rowSpans = splitEqually(canvas.height, side);
  const top = centringOffset(canvas.height, rowSpans.slice(0, shape.rows));
  const tiles: Tile[] = [];
  perRow.forEach((count, row) => {
    const { start, size: height } = rowSpans[row];
    const left = centringOffset(canvas.width, columnSpans.slice(0, options.columns ?? count));
    for (const cell of columnSpans.slice(0, count)) {
      const camera = cameras[tiles.length];
      tiles.push({
        camera,
        x: left + cell.start,
        y: top + start,
        width: cell.size,
        height,
        fit: options.fit,
        stream: 'auto',
      });
    }
  });
  return tiles;
}

/** Cells per side of the square lattice whose cells are the grid's: the canvas's shape. */
function latticeSide(shape: GridShape): number {
  return Math.max(shape.rows, shape.columns);
}

/** The even offset that centres `spans` (laid end to end) in `length` pixels. */
function centringOffset(length: number, spans: readonly Span[]): number {
  const used = spans.reduce((sum, span) => sum + span.size, 0);
  return 2 * Math.floor((length - used) / 4);
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
  // 2 pixels is the smallest even size; below it a camera has no tile at all. Cells keep the
  // canvas's shape, so the longer of rows and columns must fit both ways.
  const side = latticeSide(shape);
  const wider = shape.columns >= shape.rows;
  const forced = wider ? options.columns : options.rows;
  const field = forced === undefined ? 'layout' : wider ? 'layout.columns' : 'layout.rows';
  const dimension = canvas.width <= canvas.height ? 'width' : 'height';
  if (side * 2 > canvas[dimension]) {
    const lines = `${side} ${wider ? 'columns' : 'rows'}`;
    problems.push({ field, reason: `${lines} do not fit in output.${dimension} ${canvas[dimension]}` });
  }
  return problems;
}
