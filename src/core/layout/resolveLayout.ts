import { gridLayoutSchema, type LayoutConfig } from '../config/layoutSchema';
import { ConfigError } from '../errors';
import type { Canvas } from './canvas';
import { checkCameraReferences } from './checkCameraReferences';
import { checkTileCost } from './checkTileCost';
import { checkTilesFit } from './checkTilesFit';
import { classic4Tiles } from './classic4Preset';
import { explicitTile } from './explicitTile';
import { focusTiles } from './focusPreset';
import { gridTiles } from './gridPreset';
import { onePlusNTiles } from './onePlusNPreset';
import type { Tile } from './tile';

/** With no `layout`, every camera on a grid, in config order. */
const defaultLayout: LayoutConfig = {
  preset: 'grid',
  fit: gridLayoutSchema.properties.fit.default,
};

/**
 * Turns a validated layout into the tile rectangles the compositor draws, on a canvas of
 * `output` size. Throws ConfigError (fields under `layout`) when the layout names a camera not in
 * `cameraNames`, when explicit tiles leave the canvas or cost more than they show (checkTileCost),
 * or when a forced grid shape cannot hold its cameras.
 */
export function resolveLayout(
  layout: LayoutConfig | undefined,
  output: Canvas,
  cameraNames: readonly string[],
): Tile[] {
  const chosen = layout ?? defaultLayout;
  const tiles = tilesOf(chosen, output, cameraNames);
  const fitIssues = checkTilesFit(tiles, output);
  // Presets never draw past one canvas; drawn tiles may ask for any size or count.
  const costIssues = fitIssues.length === 0 && 'tiles' in chosen ? checkTileCost(tiles, output) : [];
  const issues = [...checkCameraReferences(chosen, cameraNames), ...fitIssues, ...costIssues];
  if (issues.length > 0) throw new ConfigError(issues);
  return tiles;
}

function tilesOf(layout: LayoutConfig, canvas: Canvas, cameraNames: readonly string[]): Tile[] {
  if ('tiles' in layout) return layout.tiles.map(explicitTile);
  switch (layout.preset) {
    case 'grid': {
      const { rows, columns, fit } = layout;
      return gridTiles(layout.cameras ?? cameraNames, canvas, { rows, columns, fit });
    }
    case 'classic4':
      return classic4Tiles(layout.cameras, canvas, layout.fit);
    case 'focus':
      return focusTiles(layout.camera, canvas, layout.fit);
    case '1+N':
      return onePlusNTiles(layout.cameras, canvas, layout.fit);
    case 'auto':
      // Before any motion: the first camera big. AutoLayoutDirector moves it.
      return onePlusNTiles(layout.cameras, canvas, layout.fit);
  }
}
