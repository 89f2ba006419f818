import type { LayoutConfig } from '../config/layoutSchema';
import type { ConfigIssue } from '../errors';

/** Every camera the layout names that is not in `cameras`, located as the user wrote it. */
export function checkCameraReferences(layout: LayoutConfig, cameraNames: readonly string[]): ConfigIssue[] {
  const known = new Set(cameraNames);
  return (
    referencesOf(layout)
      .filter(({ camera }) => !known.has(camera))
      // JSON-quoted, as every value echoed from a document is; see config/redactIssues.ts.
      .map(({ field, camera }) => ({ field, reason: `no camera named ${JSON.stringify(camera)}` }))
  );
}

function referencesOf(layout: LayoutConfig): { field: string; camera: string }[] {
  if ('tiles' in layout) {
    return layout.tiles.flatMap(({ camera, cameras }, i) => [
      ...(camera === undefined ? [] : [{ field: `layout.tiles[${i}].camera`, camera }]),
      ...(cameras ?? []).map((name, j) => ({ field: `layout.tiles[${i}].cameras[${j}]`, camera: name })),
    ]);
  }
  if (layout.preset === 'focus') return [{ field: 'layout.camera', camera: layout.camera }];
  return (layout.cameras ?? []).map((camera, i) => ({ field: `layout.cameras[${i}]`, camera }));
}
