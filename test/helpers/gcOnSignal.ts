import { appendFileSync } from 'node:fs';

/**
 * Preloaded (`node --expose-gc --require …/gcOnSignal.js`) into a server process a test measures,
 * with CAMERA_MOSAIC_TEST_MEMORY_FILE set: SIGUSR2 runs a full garbage collection and, once its
 * freed pages have gone back, appends `process.memoryUsage()` to that file as a JSON line. A busy
 * server's V8 heap keeps what a burst of viewers left as garbage until its old generation fills,
 * which can take many minutes; a leak check compares what is still held after a collection. The
 * product itself is unchanged.
 */
const memoryFile = process.env['CAMERA_MOSAIC_TEST_MEMORY_FILE'];

process.on('SIGUSR2', () => {
  (globalThis as { gc?: () => void }).gc?.();
  if (!memoryFile) return;
  setTimeout(() => appendFileSync(memoryFile, `${JSON.stringify(process.memoryUsage())}\n`), 500);
});
