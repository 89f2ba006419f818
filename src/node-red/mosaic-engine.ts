import { Engine } from '../core/engine';
import type { LogLevel } from '../core/logger';
import {
  engineDocument,
  PASSWORD_SLOTS,
  passwordSlotKey,
  passwordsInFlowFile,
  type EngineCredentials,
  type EngineNodeProperties,
} from './engineDocument';
import type { MosaicEngineNode } from './engineClient';
import { MosaicRuntime } from './mosaicRuntime';
import type { NodeApi, NodeDef } from './nodeRedTypes';

type MosaicEngineDef = NodeDef & EngineNodeProperties;

/**
 * The `mosaic-engine` config node: cameras, output, default layout and server, owning one Engine
 * shared by every node that points at it. The engine starts when the first of them needs it and
 * is closed, port and cameras included, on redeploy and on Node-RED's shutdown.
 */
export = function register(RED: NodeApi): void {
  function MosaicEngine(this: MosaicEngineNode, def: MosaicEngineDef): void {
    RED.nodes.createNode(this, def);
    const credentials = (this.credentials ?? {}) as EngineCredentials;
    // Lines arrive masked: the media core masks the config's secrets and the stored passwords.
    const logSink = (level: LogLevel, scope: string, message: string): void => {
      const line = `[${scope}] ${message}`;
      if (level === 'error' || level === 'warn') this.warn(line);
      else if (level === 'info') this.log(line);
      else this.debug(line);
    };
    this.mosaic = new MosaicRuntime(() => {
      const document = engineDocument(def, credentials);
      for (const field of passwordsInFlowFile(def.cameras, def.mosaics)) {
        this.warn(
          `${field} holds a password, which the flow file keeps in clear text: use the password field`,
        );
      }
      return new Engine(document.config, { logSink, secrets: document.storedPasswords });
    });
    this.on('close', (_removed, done) => {
      void this.mosaic.close().then(done);
    });
  }
  RED.nodes.registerType('mosaic-engine', MosaicEngine, {
    credentials: {
      users: { type: 'text' },
      // What older versions stored (all cameras' passwords in one): still read, never written.
      passwords: { type: 'password' },
      ...passwordSlotCredentials(),
      token: { type: 'password' },
      // What RTSP clients must give the RTSP server (server.rtsp.password).
      rtspPassword: { type: 'password' },
      // Kept with the credentials (encrypted, out of the flow file): publish URLs may hold a login.
      outputs: { type: 'text' },
    },
  });
};

/** One password credential per camera slot (see PASSWORD_SLOTS). */
function passwordSlotCredentials(): Record<string, { type: 'password' }> {
  const slots = Array.from({ length: PASSWORD_SLOTS }, (_, slot) => [
    passwordSlotKey(slot),
    { type: 'password' },
  ]);
  return Object.fromEntries(slots) as Record<string, { type: 'password' }>;
}
