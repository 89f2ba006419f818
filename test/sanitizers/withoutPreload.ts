/**
 * Imported first by the stress scenario. `npm run test:sanitizers` preloads a sanitizer's runtime
 * into this node process (node itself is not instrumented); the GStreamer cameras, the record
 * server and ffmpeg started from here must not inherit it, or each would run under the sanitizer
 * too: slower, and reporting on code that is not ours. The runtime is already loaded by now, so
 * removing it from the environment changes only what children get.
 */
delete process.env.LD_PRELOAD;

export {};
