/**
 * Flags that users of other JWT tools type from habit (mike-engel/jwt-cli, `step crypto jwt`), and
 * what to write instead. An unknown option is reported by its name only: `--secret=hunter2` or
 * `-Shunter2` carry the key itself, which must not reach the terminal or a CI log (catalogue 45).
 */

const KEY_INSTEAD =
  'jwtkit never takes a key on the command line (shell history and ps keep it): put it in a file or a variable and pass --key <file|@file|env:NAME|->; a base64 secret also needs --key-encoding base64';

/** Hints by flag name, for flags jwtkit does not have. */
const HINTS: Readonly<Record<string, string>> = {
  '--secret': KEY_INSTEAD,
  '-S': KEY_INSTEAD,
  '-j': 'for JSON output write --json',
  '-A': 'the algorithm flag is -a / --alg',
  '-P': 'claims are -c / --claim name=value (repeatable)',
  '--payload': 'claims are -c / --claim name=value (repeatable)',
  '-e': 'the expiry is --exp (a duration such as 15m, or a time)',
  '-n': 'not-before is --nbf (a duration or a time)',
  '-i': 'the issuer is --iss',
  '-s': 'the subject is --sub',
  '--subtle': 'jwtkit has no subtle mode: set the claims you want with -c, --exp, --iss, --aud',
  '--insecure': 'an unsafe key is accepted only where a flag names it, e.g. verify --allow-weak-key',
  '--no-verify': 'to read a token without verifying it, use jwtkit decode',
  // keygen's flag; only where it is unknown (key convert) does this show.
  '--format': "key convert names the form it writes with --to jwk or --to pem; --format is keygen's",
};

/** The flag's name without any value glued to it: `--secret=x` and `-Sx` give `--secret` and `-S`. */
export function optionName(given: string): string {
  if (given.startsWith('--')) {
    const equals = given.indexOf('=');
    return equals === -1 ? given : given.slice(0, equals);
  }
  return given.slice(0, 2);
}

/**
 * The message for commander's "unknown option" error: the option's name (never a value glued to
 * it), a hint when another tool uses that flag, and commander's "did you mean" when it has one.
 */
export function foreignOptionError(commanderMessage: string): string {
  const given = /unknown option '([^']*)'/.exec(commanderMessage)?.[1] ?? '';
  const name = optionName(given);
  const hint = HINTS[name];
  if (hint !== undefined) return `unknown option '${name}': ${hint}`;
  // commander suggests only names of jwtkit's own options, which are safe to repeat.
  const suggestion = /\(Did you mean (--?[A-Za-z][\w-]*)\?\)/.exec(commanderMessage)?.[1];
  return `unknown option '${name}'${suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`}`;
}
