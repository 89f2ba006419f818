import { constants, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { ConfigError } from '../errors';

/** The first four bytes of the files FreeType reads as TrueType or OpenType. */
const signatures = [
  Buffer.from([0x00, 0x01, 0x00, 0x00]), // TrueType outlines
  Buffer.from('OTTO'), // OpenType with CFF outlines
  Buffer.from('true'), // TrueType as Apple writes it
  Buffer.from('ttcf'), // a TrueType/OpenType collection
];

/**
 * A check that does not end: on a network mount gone away, stat() itself never returns. The
 * thread it holds stays stuck, but start-up (and Node-RED's whole runtime) does not.
 */
const checkTimeoutMs = 5000;

/**
 * Throws ConfigError naming `field` unless `path` is a regular, readable file that starts like a
 * font. Before the compositor sees it: there a FIFO blocks start-up forever in open(), and an
 * unreadable or foreign file only turns labels off without a word.
 */
export async function checkFontFile(path: string, field: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(fontError(field, path, `could not be read within ${checkTimeoutMs} ms`)),
      checkTimeoutMs,
    );
  });
  try {
    await Promise.race([readSignature(path, field), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function readSignature(path: string, field: string): Promise<void> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw fontError(field, path, `cannot be opened (${error.code ?? error.message})`);
  });
  if (!info.isFile()) throw fontError(field, path, `is ${kindOf(info)}, not a font file`);
  // O_NONBLOCK: should the path become a FIFO after stat(), open() still returns at once.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch(
    (error: NodeJS.ErrnoException) => {
      throw fontError(field, path, `cannot be read (${error.code ?? error.message})`);
    },
  );
  try {
    const opened = await handle.stat();
    if (!opened.isFile()) throw fontError(field, path, `is ${kindOf(opened)}, not a font file`);
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (bytesRead < head.length || !signatures.some((s) => s.equals(head))) {
      throw fontError(field, path, 'is not a TrueType or OpenType font (.ttf, .otf, .ttc)');
    }
  } finally {
    await handle.close();
  }
}

function fontError(field: string, path: string, reason: string): ConfigError {
  return new ConfigError([{ field, reason: `${JSON.stringify(path)} ${reason}` }]);
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'not a regular file';
}
