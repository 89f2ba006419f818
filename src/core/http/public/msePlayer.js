// An MSE-over-WebSocket client for one <video>, for when WebRTC cannot connect (UDP blocked by
// a network, a VPN or a proxy). The server sends a JSON text message with the codec, then the
// fMP4 init segment, then one fragment per access unit; a new JSON message means a new init
// segment follows (the encoder's SPS changed). It keeps close to the live edge, jumps the gaps
// the server leaves when this client falls behind, and reconnects with back-off.

const firstBackoffMs = 500;
const maxBackoffMs = 10000;
/** Buffered ahead of the playhead beyond this, it jumps to the live edge. */
const maxLatencyS = 1.5;
const liveEdgeS = 0.3;
/** Kept behind the playhead; older media is removed (a tab left open must not fill memory). */
const keepBehindS = 10;
const checkMs = 500;
/** No new frame this long means the stream is gone. */
const stallLimitMs = 4000;
/** At most this many fragments wait for the SourceBuffer (about 4 s); beyond, start over. */
const maxQueued = 100;

export class MsePlayer {
  /**
   * @param {HTMLVideoElement} video
   * @param {{ endpoint: string, token?: string, onstate?: (state: string, detail?: string) => void }} options
   */
  constructor(video, options) {
    this.video = video;
    const url = new URL(options.endpoint, location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    // A browser's WebSocket cannot send an Authorization header: the token goes in the query.
    if (options.token) url.searchParams.set('token', options.token);
    this.url = url.href;
    this.onstate = options.onstate ?? (() => {});
    this.backoffMs = firstBackoffMs;
    this.stopped = true;
    this.socket = undefined;
    this.mediaSource = undefined;
    this.sourceBuffer = undefined;
    this.queue = [];
    this.timer = undefined;
    this.retryTimer = undefined;
    this.objectUrl = undefined;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.teardown();
  }

  connect() {
    this.teardown();
    this.onstate('connecting');
    const socket = new WebSocket(this.url);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onmessage = (event) => {
      if (socket !== this.socket) return;
      if (typeof event.data === 'string') this.open(JSON.parse(event.data));
      else this.append(event.data);
    };
    socket.onclose = (event) => {
      if (socket === this.socket)
        this.retry(`closed${event.reason ? `: ${event.reason}` : ` (${event.code})`}`);
    };
    this.watch();
  }

  /** A codec message: a fresh MediaSource for the init segment that follows. */
  open(message) {
    const MediaSourceType = window.ManagedMediaSource ?? window.MediaSource;
    if (!MediaSourceType || !MediaSourceType.isTypeSupported(message.mimeType)) {
      this.stop();
      this.onstate('error', `this browser cannot play ${message.mimeType}`);
      return;
    }
    this.closeMedia();
    const mediaSource = new MediaSourceType();
    this.mediaSource = mediaSource;
    this.queue = [];
    // Safari's ManagedMediaSource plays only with remote playback off.
    this.video.disableRemotePlayback = true;
    this.video.srcObject = null;
    this.objectUrl = URL.createObjectURL(mediaSource);
    this.video.src = this.objectUrl;
    mediaSource.addEventListener('sourceopen', () => {
      if (mediaSource !== this.mediaSource) return;
      this.sourceBuffer = mediaSource.addSourceBuffer(message.mimeType);
      this.sourceBuffer.addEventListener('updateend', () => this.pump());
      this.pump();
    });
    this.video.play().catch(() => {});
  }

  append(data) {
    this.queue.push(data);
    // Dropping one would break every picture up to the next keyframe: reconnect instead, and
    // the server starts this client on a keyframe again.
    if (this.queue.length > maxQueued) this.retry('cannot keep up');
    else this.pump();
  }

  pump() {
    const buffer = this.sourceBuffer;
    if (!buffer || buffer.updating || this.queue.length === 0) return;
    try {
      buffer.appendBuffer(this.queue.shift());
    } catch (error) {
      // QuotaExceededError: make room and start over at the next connection.
      this.retry(error instanceof Error ? error.message : String(error));
    }
  }

  /** Live edge, gap jumping, trimming, and stall detection. */
  watch() {
    clearInterval(this.timer);
    let lastFrames = this.frames();
    let lastChange = Date.now();
    let played = false;
    this.timer = setInterval(() => {
      const video = this.video;
      const buffered = video.buffered;
      if (buffered.length > 0) {
        const end = buffered.end(buffered.length - 1);
        const inRange = [...Array(buffered.length).keys()].some(
          (i) => buffered.start(i) <= video.currentTime && video.currentTime <= buffered.end(i),
        );
        // Behind the live edge, or in a gap the server left when we fell behind: jump forward.
        if (end - video.currentTime > maxLatencyS || !inRange) {
          video.currentTime = Math.max(buffered.start(buffered.length - 1), end - liveEdgeS);
        }
        if (video.paused) video.play().catch(() => {});
        const buffer = this.sourceBuffer;
        if (buffer && !buffer.updating && video.currentTime - buffered.start(0) > keepBehindS * 2) {
          buffer.remove(0, video.currentTime - keepBehindS);
        }
      }
      const frames = this.frames();
      if (frames !== lastFrames) {
        lastFrames = frames;
        lastChange = Date.now();
        if (!played) {
          played = true;
          this.backoffMs = firstBackoffMs;
          this.onstate('playing');
        }
      } else if (Date.now() - lastChange > stallLimitMs) {
        this.retry('no picture');
      }
    }, checkMs);
  }

  frames() {
    return this.video.getVideoPlaybackQuality?.().totalVideoFrames ?? 0;
  }

  retry(why) {
    this.teardown();
    if (this.stopped) return;
    this.onstate('reconnecting', `${why}; again in ${(this.backoffMs / 1000).toFixed(1)} s`);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, maxBackoffMs);
  }

  teardown() {
    clearInterval(this.timer);
    if (this.socket) {
      this.socket.onclose = null;
      this.socket.onmessage = null;
      this.socket.close();
      this.socket = undefined;
    }
    this.closeMedia();
  }

  closeMedia() {
    this.sourceBuffer = undefined;
    this.queue = [];
    if (this.mediaSource) {
      this.mediaSource = undefined;
      this.video.removeAttribute('src');
      this.video.load();
    }
    if (this.objectUrl) {
      URL.revokeObjectURL(this.objectUrl);
      this.objectUrl = undefined;
    }
  }
}
