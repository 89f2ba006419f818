// A WHEP client (RFC 9725) for one <video>: offers to receive video, POSTs the offer, applies
// the answer, and starts over with back-off whenever the connection fails or the picture stalls.
// A 401 or 403 stops it (state `unauthorized` or `refused`): retrying would be refused again.

const stallCheckMs = 500;
/**
 * The server sends frames at a fixed rate even when cameras fail (black or last picture), so no
 * new decoded frame for this long means the session is gone; the first picture may take longer.
 */
const stallLimitMs = 2000;
const firstPictureLimitMs = 8000;
const firstBackoffMs = 500;
const maxBackoffMs = 10000;
/** A connection "disconnected" this long is given up (the server may have ended the session). */
const disconnectedLimitMs = 1500;

export class WhepPlayer {
  /**
   * @param {HTMLVideoElement} video
   * @param {{ endpoint: string, token?: string, onstate?: (state: string, detail?: string) => void }} options
   */
  constructor(video, options) {
    this.video = video;
    this.endpoint = new URL(options.endpoint, location.href).href;
    this.token = options.token;
    this.onstate = options.onstate ?? (() => {});
    this.pc = undefined;
    this.session = undefined;
    this.retryTimer = undefined;
    this.stallTimer = undefined;
    this.backoffMs = firstBackoffMs;
    this.stopped = false;
  }

  /** Whether ICE and DTLS are up (the first picture may still be on its way). */
  get connected() {
    return this.pc?.connectionState === 'connected';
  }

  start() {
    this.stopped = false;
    void this.connect();
    addEventListener('pagehide', () => this.stop());
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.teardown();
  }

  async connect() {
    this.teardown();
    this.onstate('connecting');
    const pc = new RTCPeerConnection();
    this.pc = pc;
    try {
      pc.addTransceiver('video', { direction: 'recvonly' });
      pc.ontrack = (event) => {
        this.video.srcObject = event.streams[0] ?? new MediaStream([event.track]);
        this.video.play().catch(() => {});
      };
      pc.onconnectionstatechange = () => this.onConnectionState(pc);
      await pc.setLocalDescription(await pc.createOffer());
      await gatheringDone(pc, 1500);
      if (pc !== this.pc) return; // stopped, or started over, while gathering
      const response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/sdp', ...this.authorization() },
        body: pc.localDescription.sdp,
      });
      if (response.status === 401 || response.status === 403) {
        // A token refused (or missing), or a page the server does not serve: asking again gets
        // the same answer, so stop and say why.
        const why = `${response.status}: ${await reason(response)}`;
        this.stop();
        this.onstate(response.status === 401 ? 'unauthorized' : 'refused', why);
        return;
      }
      if (response.status !== 201) throw new Error(`${response.status}: ${await reason(response)}`);
      this.session = new URL(response.headers.get('Location'), this.endpoint).href;
      await pc.setRemoteDescription({ type: 'answer', sdp: await response.text() });
      this.watchForStall(pc);
    } catch (error) {
      if (pc === this.pc) this.retry(error instanceof Error ? error.message : String(error));
    }
  }

  onConnectionState(pc) {
    if (pc !== this.pc) return;
    if (pc.connectionState === 'connected') {
      this.backoffMs = firstBackoffMs;
      this.onstate('playing');
    } else if (pc.connectionState === 'failed' || pc.connectionState === 'closed') {
      this.retry(`connection ${pc.connectionState}`);
    } else if (pc.connectionState === 'disconnected') {
      setTimeout(() => {
        if (pc === this.pc && pc.connectionState === 'disconnected') this.retry('connection lost');
      }, disconnectedLimitMs);
    }
  }

  watchForStall(pc) {
    const quality = () => this.video.getVideoPlaybackQuality?.().totalVideoFrames ?? 0;
    const startFrames = quality();
    let lastFrames = startFrames;
    let lastChange = Date.now();
    this.stallTimer = setInterval(() => {
      const frames = quality();
      const limitMs = frames > startFrames ? stallLimitMs : firstPictureLimitMs;
      if (frames !== lastFrames) {
        lastFrames = frames;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > limitMs && pc === this.pc) {
        this.retry('no picture');
      }
    }, stallCheckMs);
  }

  retry(why) {
    this.teardown();
    if (this.stopped) return;
    this.onstate('reconnecting', `${why}; again in ${(this.backoffMs / 1000).toFixed(1)} s`);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, maxBackoffMs);
  }

  teardown() {
    clearInterval(this.stallTimer);
    if (this.session) {
      // keepalive lets the DELETE leave even while the page unloads.
      fetch(this.session, { method: 'DELETE', headers: this.authorization(), keepalive: true }).catch(
        () => {},
      );
      this.session = undefined;
    }
    if (this.pc) {
      this.pc.onconnectionstatechange = null;
      this.pc.close();
      this.pc = undefined;
    }
  }

  authorization() {
    return this.token ? { Authorization: `Bearer ${this.token}` } : {};
  }
}

/** Resolves when ICE gathering is complete, or after `limitMs` (the host candidates come first). */
function gatheringDone(pc, limitMs) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, limitMs);
    function done() {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', onChange);
      resolve();
    }
    function onChange() {
      if (pc.iceGatheringState === 'complete') done();
    }
    pc.addEventListener('icegatheringstatechange', onChange);
  });
}

async function reason(response) {
  try {
    return (await response.json()).error ?? response.statusText;
  } catch {
    return response.statusText;
  }
}
