/**
 * Preloaded (`node --expose-gc --require …/gcOnSignal.js`) into a server process a test measures:
 * SIGUSR2 runs a full garbage collection. A busy server's V8 heap keeps what a burst of viewers
 * left as garbage until its old generation fills, which can take many minutes; a leak check
 * compares memory after a full collection, where garbage is gone and only what is still held
 * remains. The product itself is unchanged.
 */
process.on('SIGUSR2', () => {
  (globalThis as { gc?: () => void }).gc?.();
});
