import { randomUUID } from 'node:crypto';
import { RTCPeerConnection, RTCRtpCodecParameters, type RtpPacket } from 'werift';
import { withoutDefaultStun } from '../../src/core/webrtc/noDefaultStun';

interface JanusReply {
  janus: string;
  data?: { id: number };
  jsep?: { type: 'offer' | 'answer'; sdp: string };
  plugindata?: { data: Record<string, unknown> };
  error?: { code: number; reason: string };
}

/**
 * A viewer of a Janus Streaming mountpoint, over Janus's plain HTTP API as its own JavaScript
 * client does it: create a session, attach the streaming plugin, `watch` (Janus sends an offer
 * in an event, fetched by long poll), answer with werift, `start`. Collects the RTP it receives.
 */
export class JanusViewer {
  readonly packets: RtpPacket[] = [];
  private readonly pc = new RTCPeerConnection({
    codecs: {
      video: [
        new RTCRtpCodecParameters({
          mimeType: 'video/H264',
          clockRate: 90000,
          parameters: 'profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1',
        }),
      ],
    },
  });
  private session = '';

  private constructor(private readonly apiUrl: string) {}

  static async watch(apiUrl: string, mountpoint: number): Promise<JanusViewer> {
    const viewer = new JanusViewer(apiUrl);
    await viewer.negotiate(mountpoint);
    return viewer;
  }

  async close(): Promise<void> {
    if (this.session) await this.post(this.session, { janus: 'destroy' }).catch(() => undefined);
    await this.pc.close().catch(() => undefined);
  }

  private async negotiate(mountpoint: number): Promise<void> {
    const created = await this.post('', { janus: 'create' });
    this.session = `/${created.data?.id}`;
    const attached = await this.post(this.session, { janus: 'attach', plugin: 'janus.plugin.streaming' });
    const handle = `${this.session}/${attached.data?.id}`;
    await this.post(handle, { janus: 'message', body: { request: 'watch', id: mountpoint } });
    const offer = await this.nextJsep();
    this.pc.onTransceiverAdded.subscribe((transceiver) => {
      transceiver.onTrack.subscribe((track) =>
        track.onReceiveRtp.subscribe((packet) => this.packets.push(packet.clone())),
      );
    });
    await this.pc.setRemoteDescription(offer);
    withoutDefaultStun(this.pc);
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    const answer = this.pc.localDescription;
    if (!answer) throw new Error('werift made no answer');
    await this.post(handle, {
      janus: 'message',
      body: { request: 'start' },
      jsep: { type: 'answer', sdp: answer.sdp },
    });
  }

  /** Long-polls the session's events until one carries Janus's SDP offer. */
  private async nextJsep(): Promise<{ type: 'offer'; sdp: string }> {
    const deadline = Date.now() + 15000;
    while (Date.now() < deadline) {
      const response = await fetch(`${this.apiUrl}${this.session}?maxev=5&rid=${Date.now()}`);
      const body = (await response.json()) as JanusReply | JanusReply[];
      for (const event of Array.isArray(body) ? body : [body]) {
        if (event.jsep?.type === 'offer') return { type: 'offer', sdp: event.jsep.sdp };
        if (event.plugindata?.data?.error) throw new Error(`janus: ${JSON.stringify(event.plugindata.data)}`);
      }
    }
    throw new Error('no offer from Janus within 15 s');
  }

  private async post(path: string, message: Record<string, unknown>): Promise<JanusReply> {
    const response = await fetch(`${this.apiUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...message, transaction: randomUUID() }),
    });
    const reply = (await response.json()) as JanusReply;
    if (reply.janus === 'error') throw new Error(`janus ${message.janus}: ${reply.error?.reason}`);
    return reply;
  }
}
