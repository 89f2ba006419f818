import type { NativeStitcher } from './nativeTypes';
import { Rendition, type RenditionSettings } from './rendition';
import type { AccessUnit } from './stitcher';

interface SharedEncoding {
  id: number;
  users: Set<Rendition>;
}

/**
 * The renditions of one native run, shared by settings: two HomeKit viewers asking for the same
 * size, rate and bitrate get one encoder. Ids are positive (0 is the main rendition).
 */
export class RenditionRegistry {
  private readonly byKey = new Map<string, SharedEncoding>();
  private readonly byId = new Map<number, SharedEncoding>();
  private nextId = 1;

  constructor(
    private readonly native: NativeStitcher,
    private readonly preset: string,
  ) {}

  /** A new user of the encoding with these settings; throws if the encoder cannot open. */
  open(settings: RenditionSettings): Rendition {
    const key = JSON.stringify(settings);
    let shared = this.byKey.get(key);
    if (!shared) {
      const id = this.nextId++;
      this.native.addRendition(id, { ...settings, preset: this.preset });
      shared = { id, users: new Set() };
      this.byKey.set(key, shared);
      this.byId.set(id, shared);
    }
    const encoding = shared;
    const rendition = new Rendition(settings, {
      requestKeyframe: () => this.native.requestKeyframe(encoding.id),
      release: (user) => this.release(key, encoding, user),
    });
    encoding.users.add(rendition);
    // A new user needs a picture it can start on.
    this.native.requestKeyframe(encoding.id);
    return rendition;
  }

  deliver(id: number, unit: AccessUnit): void {
    for (const user of this.byId.get(id)?.users ?? []) user.deliver(unit);
  }

  /** Number of native encodings besides the main one. */
  get encodings(): number {
    return this.byId.size;
  }

  /** Ends every user (the native run is stopping). */
  closeAll(): void {
    for (const shared of [...this.byId.values()]) for (const user of [...shared.users]) user.close();
  }

  private release(key: string, shared: SharedEncoding, user: Rendition): void {
    shared.users.delete(user);
    if (shared.users.size > 0) return;
    this.byKey.delete(key);
    this.byId.delete(shared.id);
    this.native.removeRendition(shared.id);
  }
}
