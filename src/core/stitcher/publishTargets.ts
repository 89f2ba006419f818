import type { PublishConfig } from '../config/publishSchema';
import { redactUrl } from '../redact';
import type { NativePublishOptions } from './nativeTypes';

/** One configured output, as the native side takes it and as a user may see it. */
export interface PublishTarget {
  native: NativePublishOptions;
  /** Where it goes, password masked. */
  displayUrl: string;
}

/** Names (`output1`, … unless given) and URLs of the configured outputs. */
export function publishTargets(outputs: readonly PublishConfig[]): PublishTarget[] {
  return outputs.map((output, i) => {
    const id = output.name ?? `output${i + 1}`;
    if (output.type === 'rtsp') {
      const url = output.url ?? '';
      return { native: { id, type: 'rtsp', url, transport: output.transport }, displayUrl: redactUrl(url) };
    }
    // IPv6 literals go in brackets in a URL.
    const host = output.host?.includes(':') ? `[${output.host}]` : output.host;
    const url = `rtp://${host}:${output.port}`;
    return { native: { id, type: 'rtp', url, payloadType: output.payloadType }, displayUrl: url };
  });
}
