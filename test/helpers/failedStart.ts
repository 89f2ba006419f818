import assert from 'node:assert/strict';
import type { MediaCore } from '../../src/core/media/mediaCore';
import { mediaThreads, type SilentCamera } from './silentCamera';
import { waitFor } from './wait';

/** A small, cheap canvas for the failed-start tests. */
export const smallOutput = { width: 320, height: 180, fps: 10, bitrate: 200_000 };

/**
 * Two mosaics over `camera` (with a login) and a demo camera; the second's labels use `font`
 * when given, so a font that is missing fails a start halfway: after the cameras and the first
 * mosaic started.
 */
export function twoMosaics(camera: SilentCamera, font?: string): Record<string, unknown> {
  return {
    cameras: [
      { name: 'silent', url: camera.url('viewer:pw') },
      { name: 'demo', url: 'demo:color?c=red&size=160x90&rate=10' },
    ],
    mosaics: [
      { name: 'a', output: smallOutput },
      { name: 'b', output: smallOutput, ...(font === undefined ? {} : { labels: { names: true, font } }) },
    ],
  };
}

/**
 * Nothing of `media` runs and no camera is pulled, judged also from outside: the camera's own
 * connections and this process's media threads.
 */
export async function assertNoCameraPulled(media: MediaCore, camera: SilentCamera): Promise<void> {
  assert.equal(media.running, false);
  assert.equal(media.hub.running, false, 'the cameras are closed');
  assert.deepEqual(media.hub.streams(), [], 'no camera stream is pulled');
  assert.ok(
    [...media.mosaics.values()].every((m) => !m.running),
    'no mosaic runs',
  );
  assert.deepEqual(mediaThreads(), [], 'no camera, clock or encoder thread is left');
  await waitFor('the camera to see its connection closed', () => camera.connections === 0, 5000);
}
