import { ConfigError } from '../errors';

/**
 * `JSON.parse` for a config file a person wrote: a syntax error becomes a ConfigError that says
 * where, `mosaic.json: invalid JSON at line 3, column 18: Expected double-quoted property name`.
 * V8 gives an offset for most errors but not all (`Unexpected token` carries a snippet instead),
 * so the offset comes from a scan of the text when V8 gives none.
 */
export function parseConfigJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const given = / in JSON at position (\d+)/.exec(message)?.[1];
    const offset = given !== undefined ? Number(given) : syntaxErrorOffset(text);
    const reason = message
      .replace(/ in JSON at position \d+.*$/s, '')
      .replace(/^(Unexpected token) '([\s\S]*?)', [\s\S]*$/, (_, words: string, token: string) =>
        token.trim() === '' ? `${words} ${JSON.stringify(token)}` : `${words} ${token}`,
      );
    const { line, column } = lineAndColumn(text, offset);
    throw new ConfigError([
      { field: '', reason: `${name}: invalid JSON at line ${line}, column ${column}: ${reason}` },
    ]);
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

/** Where the JSON grammar (RFC 8259) first fails in `text`; its length when it ends too soon. */
function syntaxErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw new SyntaxAt(i);
  };
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const expect = (char: string): void => {
    if (text[i] !== char) fail();
    i++;
  };
  const string = (): void => {
    expect('"');
    for (;;) {
      const c = text[i];
      if (c === undefined || c < ' ') fail();
      i++;
      if (c === '"') return;
      if (c !== '\\') continue;
      if ('"\\/bfnrt'.includes(text[i] ?? 'x')) i++;
      else if (text[i] === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) i += 5;
      else fail();
    }
  };
  const items = (close: string, item: () => void): void => {
    i++;
    space();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      item();
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      expect(',');
    }
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') {
      return items('}', () => {
        space();
        string();
        space();
        expect(':');
        value();
      });
    }
    if (c === '[') return items(']', value);
    if (c === '"') return string();
    const word = ['true', 'false', 'null'].find((w) => w[0] === c);
    if (word) {
      for (const letter of word) expect(letter);
      return;
    }
    const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i))?.[0];
    if (!number) fail();
    i += number?.length ?? 0;
  };
  try {
    value();
    space();
    if (i < text.length) fail();
    return text.length;
  } catch (error) {
    if (error instanceof SyntaxAt) return Math.min(error.offset, text.length);
    throw error;
  }
}

class SyntaxAt {
  constructor(readonly offset: number) {}
}
