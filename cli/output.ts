/**
 * Everything the CLI prints. Human output is coloured on a terminal and plain when piped or with
 * NO_COLOR; `--json` prints one JSON document on stdout, errors included. stdout carries only the
 * requested output: warnings and notes go to stderr.
 */
import { JWTKitError } from 'jwtkit';

/** A bad invocation: exit code 2, named after the flag or argument at fault. */
export class UsageError extends Error {
  /** `ERR_USAGE`, or the library's code when a library error was the cause (`ERR_KEY_WEAK`, ...). */
  readonly code: string;
  constructor(message: string, code = 'ERR_USAGE') {
    super(message);
    this.name = 'UsageError';
    this.code = code;
  }
}

/** The flag behind each library option, so that errors name what the user typed. */
const FLAGS: Readonly<Record<string, string>> = {
  algorithms: '--alg',
  alg: '--alg',
  issuer: '--iss',
  audience: '--aud',
  subject: '--sub',
  typ: '--typ',
  maxAge: '--max-age',
  clockTolerance: '--leeway',
  requiredClaims: '--require',
  expiresIn: '--exp',
  notBefore: '--nbf',
  jwtId: '--jti',
  kid: '--kid',
  enc: '--enc',
  keyManagementAlgorithms: '--alg',
  contentEncryptionAlgorithms: '--enc',
  modulusLength: '--bits',
  crv: '--crv',
  noTimestamp: '--no-iat',
  verify: '--verify-key',
  maxPBES2Count: '--max-pbes2-count',
  htm: '<method>',
  htu: '<url>',
  nonce: '--nonce',
  accessToken: '--access-token',
  'keyBinding.aud': '--aud',
  'keyBinding.nonce': '--nonce',
  disclose: '--disclose',
  disclosable: '--frame',
  holderKey: '--holder-key',
};

/** Runs `load` and turns a library error into a usage error that names `flag`. */
export async function blame<T>(flag: string, load: () => Promise<T> | T): Promise<T> {
  try {
    return await load();
  } catch (error) {
    // An option error already names its option, which describeError maps to the flag.
    if (error instanceof JWTKitError && error.code !== 'ERR_INVALID_OPTION')
      throw new UsageError(`${flag}: ${error.message}`, error.code);
    throw error;
  }
}

export const EXIT = { ok: 0, invalid: 1, usage: 2, findings: 3 } as const;

/**
 * Whether a stream gets ANSI colour: NO_COLOR wins (no-color.org: a user who set it in their
 * profile does not want colour, whatever a tool or CI template forces), then FORCE_COLOR, then
 * whether the stream is a terminal.
 */
export function colourEnabled(env: NodeJS.ProcessEnv = process.env, tty = process.stdout.isTTY === true): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return tty && env.TERM !== 'dumb';
}

const closedStreams = new Set<NodeJS.WriteStream>();

/**
 * A reader that goes away (`jwtkit keygen RS256 --format pem | head -3`) ends the output, not the
 * command: EPIPE on stdout or stderr drops what is still to be written, and the exit code stays
 * the command's own. Any other stream error is thrown as before.
 */
export function surviveClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
      closedStreams.add(stream);
    });
  }
}

/**
 * Characters a terminal acts on instead of showing, or that reorder what it shows: C0 controls,
 * DEL, C1 controls (U+009B is a one-character CSI on many terminals), the line and paragraph
 * separators, and the bidirectional marks, embeddings, overrides and isolates (Trojan Source).
 * Token text carrying them could erase the verdict line, set the window title or make a claim
 * name read backwards; shown as `\u001b` they are harmless and still tell what the token holds.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escaped = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * Text from a token (a claim name or value, a salt, an error that quotes one) as it may be shown
 * on a terminal: every character in {@link UNSAFE}, line breaks included, becomes a visible
 * `\uXXXX`. Used where token text enters a line; {@link write} makes sure of the rest.
 */
export function visible(text: string): string {
  return text.replace(UNSAFE, escaped);
}

/** The SGR parameters paint(), warn() and fail() use: the only escape sequences the CLI writes. */
const OWN_SGR = new Set<string>(['31', '33', '39']);

// The one place every human-readable line passes: whatever a command forgot to pass through
// visible() is made visible here, except line breaks (the CLI's own) and, when colour is on, the
// CLI's own colour sequences. A token can at most repeat one of those colours: it cannot move the
// cursor, erase, retitle, link, conceal or reorder.
const TERMINAL_UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for
  /\u001b\[([0-9;]*)m|[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function forTerminal(text: string, colour: boolean): string {
  return text.replace(TERMINAL_UNSAFE, (match: string, sgr: string | undefined) =>
    sgr === undefined ? escaped(match) : colour && OWN_SGR.has(sgr) ? match : `${escaped('\u001b')}${match.slice(1)}`,
  );
}

// JSON.stringify escapes C0 but leaves DEL, C1, the separators and the bidi characters raw; they
// can only be inside strings, where a \uXXXX escape means the same character to a JSON parser.
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function write(stream: NodeJS.WriteStream, text: string): void {
  if (!closedStreams.has(stream)) stream.write(text);
}

const CODES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  // The colours jwt.io gave the three parts, which developers recognise.
  header: ['38;5;197', 39],
  payload: ['38;5;171', 39],
  signature: ['38;5;39', 39],
  key: ['38;5;214', 39],
  iv: ['38;5;114', 39],
} as const;
for (const codes of Object.values(CODES)) for (const code of codes) OWN_SGR.add(String(code));

export type Style = keyof typeof CODES;

export class Output {
  readonly json: boolean;
  readonly colour: boolean;

  constructor(options: { json?: boolean; colour?: boolean }) {
    this.json = options.json === true;
    this.colour = !this.json && (options.colour ?? colourEnabled());
  }

  paint(style: Style, text: string): string {
    if (!this.colour) return text;
    const [open, close] = CODES[style];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  }

  /** A line of the requested output. */
  line(text = ''): void {
    write(process.stdout, forTerminal(`${text}\n`, this.colour));
  }

  /** The whole result in `--json` mode. */
  result(value: unknown): void {
    write(process.stdout, `${JSON.stringify(value, null, 2).replace(JSON_UNSAFE, escaped)}\n`);
  }

  /** A note or warning: stderr, never mixed with the output. */
  note(text: string): void {
    write(process.stderr, forTerminal(`${text}\n`, this.colour || this.colourFor(process.stderr.isTTY)));
  }

  warn(text: string): void {
    const colour = this.colourFor(process.stderr.isTTY);
    write(process.stderr, forTerminal(`${colour ? `\u001b[33mwarning\u001b[39m` : 'warning'}: ${text}\n`, colour || this.colour));
  }

  /** Prints an error (stdout as JSON with `--json`, else stderr) and returns the exit code it calls for. */
  fail(error: unknown): number {
    const { code, message, exit } = describeError(error);
    if (this.json) this.result({ ok: false, error: { code, message } });
    else {
      const colour = this.colourFor(process.stderr.isTTY);
      // An error may quote the token (a claim name in a collision): shown on one line, escapes visible.
      write(
        process.stderr,
        forTerminal(
          `${colour ? `\u001b[31merror\u001b[39m` : 'error'}: ${visible(message)}${code === 'ERR_USAGE' ? '' : ` (${code})`}\n`,
          colour,
        ),
      );
    }
    return exit;
  }

  private colourFor(tty: boolean | undefined): boolean {
    return !this.json && colourEnabled(process.env, tty === true);
  }
}

/** The code, message and exit status of anything thrown by a command. */
export function describeError(error: unknown): { code: string; message: string; exit: number } {
  if (error instanceof UsageError) return { code: error.code, message: error.message, exit: EXIT.usage };
  if (error instanceof JWTKitError) {
    if (error.code === 'ERR_INVALID_OPTION') {
      const option = (error as JWTKitError & { option: string }).option;
      const flag = FLAGS[option.replace(/^claims\./, '')];
      const message = flag === undefined ? error.message : `${flag}: ${error.message.replace(/^option "[^"]*": /, '')}`;
      return { code: error.code, message, exit: EXIT.usage };
    }
    // A limit's option name in a refusal becomes the flag that raises it (decrypt's PBES2 cap).
    const message = error.message.replace(/\((maxPBES2Count)\)/, (_, option: string) => `(${FLAGS[option]})`);
    return { code: error.code, message, exit: error.code === 'ERR_NOT_SUPPORTED' ? EXIT.usage : EXIT.invalid };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'ERR_INTERNAL', message, exit: EXIT.invalid };
}

/** Pretty JSON for humans, keys coloured on a terminal. */
export function formatJSON(out: Output, value: unknown): string {
  const text = JSON.stringify(value, null, 2) ?? 'undefined';
  if (!out.colour) return text;
  return text.replace(
    /^(\s*)("(?:[^"\\]|\\.)*")(: )/gm,
    (_, space: string, name: string, colon: string) => `${space}${out.paint('cyan', name)}${colon}`,
  );
}

/**
 * Runs a verifying operation (verify, decrypt) and reports it: the payload on stdout, the verdict
 * on stderr (or one JSON document); exit 0 when it holds, 1 when the token fails. Usage errors
 * (exit 2) pass through to the caller.
 */
export async function reportVerdict<H>(
  out: Output,
  operation: () => Promise<{ header: H; payload: unknown }>,
  success: (header: H) => readonly [label: string, detail: string],
  failure: string,
): Promise<number> {
  try {
    const { header, payload } = await operation();
    if (out.json) out.result({ ok: true, valid: true, header, payload });
    else {
      const [label, detail] = success(header);
      // The detail may quote the header (a kid): one line, escapes visible.
      out.note(`${out.paint('green', out.paint('bold', label))}: ${visible(detail)}`);
      out.line(formatJSON(out, payload));
    }
    return EXIT.ok;
  } catch (error) {
    const { code, message, exit } = describeError(error);
    if (exit === EXIT.usage) throw error;
    if (out.json) out.result({ ok: false, valid: false, error: { code, message } });
    else out.note(`${out.paint('red', out.paint('bold', failure))}: ${visible(message)} (${code})`);
    return EXIT.invalid;
  }
}
