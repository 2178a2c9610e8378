/**
 * Secrets that HS* tokens are too often signed with: defaults from documentation and tutorials,
 * placeholders that reach production, and the words people type when asked for "a secret", with the
 * usual case and suffix variations. Generated from the stems below rather than stored, so the list
 * stays readable; a few thousand candidates in all. Short secrets are covered separately by
 * {@link shortSecrets}.
 */

const DEFAULTS = [
  'your-256-bit-secret',
  'your-384-bit-secret',
  'your-512-bit-secret',
  'your_jwt_secret',
  'your-jwt-secret',
  'your-secret-key',
  'your_secret_key',
  'yoursecretkey',
  'your-secret',
  'your_secret',
  'shhhhh',
  'shhhhhared-secret',
  'keyboard cat',
  'a-string-secret-at-least-256-bits-long',
  'secret-key-that-is-at-least-32-bytes',
  'this-is-a-secret',
  'thisisasecret',
  'this is a secret',
  'my super secret key',
  'super secret',
  'very secret',
  'not so secret',
  'replace-me',
  'replace_me',
  'replaceme',
  'replace-with-your-secret',
  'change-this-secret',
  'change_this_secret',
  'changethis',
  'changeme',
  'change-me',
  'change_me',
  'changeit',
  'please-change-me',
  'todo',
  'xxx',
  'xxxx',
  'xxxxxx',
  'placeholder',
  'undefined',
  'null',
  'none',
  'empty',
  'default',
  'notasecret',
  'not-a-secret',
  'insecure',
  'unsafe',
  'gsdfgsdfgsdf',
  'ThisIsMySecret',
  'MySecretKey',
  'SecretKey',
  'SECRET_KEY',
  'JWT_SECRET',
  'JWT_KEY',
  'TOKEN_SECRET',
  'ACCESS_TOKEN_SECRET',
  'REFRESH_TOKEN_SECRET',
  'APP_SECRET',
  'APP_KEY',
  'AUTH_SECRET',
  'NEXTAUTH_SECRET',
  'SESSION_SECRET',
  'process.env.JWT_SECRET',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an unexpanded placeholder is the secret here
  '${JWT_SECRET}',
  'qwertyuiop',
  'asdfghjkl',
  'zxcvbnm',
  'iloveyou',
  'letmein',
  'welcome',
  'trustno1',
  'monkey',
  'dragon',
  'abc123',
  'qwerty',
  'password',
  'passw0rd',
  'p@ssw0rd',
  'P@ssw0rd',
  'Password1',
  'Password123',
  'admin',
  'administrator',
  'root',
  'toor',
  'guest',
  'user',
  'test',
  'testing',
  'tester',
  'demo',
  'sample',
  'example',
  'foo',
  'bar',
  'baz',
  'foobar',
  'hello',
  'helloworld',
  'hello world',
  'hello_world',
  'hello-world',
];

const STEMS = [
  'secret',
  'secretkey',
  'secret_key',
  'secret-key',
  'mysecret',
  'my_secret',
  'my-secret',
  'mysecretkey',
  'my_secret_key',
  'my-secret-key',
  'supersecret',
  'super_secret',
  'super-secret',
  'topsecret',
  'top_secret',
  'top-secret',
  'jwt',
  'jwtsecret',
  'jwt_secret',
  'jwt-secret',
  'jwtkey',
  'jwt_key',
  'jwt-key',
  'jwtsecretkey',
  'jwt_secret_key',
  'jwt-secret-key',
  'jwttoken',
  'token',
  'tokensecret',
  'token_secret',
  'token-secret',
  'accesstoken',
  'access_token',
  'access-token',
  'access_secret',
  'refresh_secret',
  'refreshtoken',
  'refresh_token',
  'key',
  'privatekey',
  'private_key',
  'private-key',
  'private',
  'auth',
  'authsecret',
  'auth_secret',
  'auth-secret',
  'authkey',
  'session',
  'sessionsecret',
  'session_secret',
  'session-secret',
  'app',
  'appsecret',
  'app_secret',
  'app-secret',
  'appkey',
  'app_key',
  'api',
  'apisecret',
  'api_secret',
  'api-secret',
  'apikey',
  'api_key',
  'api-key',
  'signingkey',
  'signing_key',
  'signing-key',
  'hmac',
  'hmacsecret',
  'hmac_secret',
  'server',
  'serversecret',
  'backend',
  'dev',
  'development',
  'devsecret',
  'dev_secret',
  'prod',
  'production',
  'staging',
  'local',
  'localhost',
  'node',
  'nodejs',
  'express',
  'nest',
  'nestjs',
  'next',
  'nextjs',
  'nuxt',
  'react',
  'angular',
  'vue',
  'laravel',
  'django',
  'flask',
  'rails',
  'spring',
  'symfony',
  'fastify',
  'koa',
  'hono',
  'deno',
  'bun',
  'golang',
  'java',
  'python',
  'php',
  's3cr3t',
  's3cret',
  'secr3t',
  'sekret',
  'secreto',
  'geheim',
  'segredo',
  'pass',
  'passwd',
  'passphrase',
  'pwd',
  'login',
  'master',
  'company',
  'mycompany',
  'startup',
  'myapp',
  'my_app',
  'webapp',
  'website',
  'shop',
  'store',
  'blog',
  'chat',
  'game',
];

const SUFFIXES = [
  '',
  '1',
  '12',
  '123',
  '1234',
  '12345',
  '123456',
  '!',
  '!!',
  '@123',
  '#',
  '_dev',
  '-dev',
  '_prod',
  '-prod',
  '_test',
];
const YEARS = ['2019', '2020', '2021', '2022', '2023', '2024', '2025', '2026'];

function capitalized(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

let cached: readonly string[] | undefined;

/**
 * The built-in list of common secrets (a few thousand, no duplicates, in a stable order: the most
 * frequent first).
 *
 * @example
 * ```ts
 * commonSecrets().includes('your-256-bit-secret'); // true
 * ```
 */
export function commonSecrets(): readonly string[] {
  if (cached !== undefined) return cached;
  const out = new Set<string>(DEFAULTS);
  for (const stem of STEMS) {
    for (const form of [stem, stem.toUpperCase(), capitalized(stem)]) {
      for (const suffix of SUFFIXES) out.add(form + suffix);
      for (const year of YEARS) out.add(form + year);
    }
  }
  for (const word of DEFAULTS) {
    out.add(word.toUpperCase());
    out.add(capitalized(word));
    for (const suffix of ['1', '123', '!']) out.add(word + suffix);
  }
  cached = [...out];
  return cached;
}

const SHORT_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const PINS = 10000;

/** How many secrets {@link shortSecrets} yields (57,988). */
export const SHORT_SECRET_COUNT = SHORT_ALPHABET.length * (1 + SHORT_ALPHABET.length * (1 + SHORT_ALPHABET.length)) + PINS;

/**
 * Every secret of 1 to 3 lowercase letters or digits, and every PIN of 4 digits: secrets short
 * enough to try exhaustively in a fraction of a second.
 */
export function* shortSecrets(): Generator<string> {
  const n = SHORT_ALPHABET.length;
  for (let length = 1; length <= 3; length++) {
    const total = n ** length;
    for (let index = 0; index < total; index++) {
      let word = '';
      for (let rest = index, i = 0; i < length; i++, rest = Math.floor(rest / n)) word += SHORT_ALPHABET[rest % n];
      yield word;
    }
  }
  for (let pin = 0; pin < PINS; pin++) yield String(pin).padStart(4, '0');
}
