// Model-based test of sessions (issue 27): a reference model of what the session rules of
// docs/issuer.md promise, and random sequences of logins, refreshes, reuses, logouts (by access
// token, refresh token or both), "log out everywhere", revocations by jti, sid and subject, and clock
// jumps of up to past the refresh-token lifetime, run against the real issuer on a store. After
// every step that presents a token, the real answer must be the model's: a token issued before a
// logout that covers it is never accepted again, and a token no logout covers keeps working until
// its own lifetime ends. Sessions may be bound to a DPoP key (RFC 9449 §5): a refresh of a bound
// session with no key or another key is refused and changes nothing, never succeeds; a refresh of
// an unbound one with a key binds only the access token it issues.
//
// The clock is the test's (Date.now, which the issuer, the verifier and both stores read). Memory
// expires entries by it; on Redis the store writes absolute expiries (PXAT) from it, and `expire`
// plays Redis's expiry for that clock: it deletes every key whose PEXPIRETIME has passed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createVerifier, JWTKitError, type JWTPayload, type RefreshTokenInvalidError } from 'jwtkit';
import { createKeyRing, createTokenIssuer, type TokenIssuer } from 'jwtkit/issuer';
import type { Store } from 'jwtkit/stores';
import { testClock } from './clock.js';

/** The issuer's defaults: the rules must hold for them (15 min, 30 days, 60 s tolerance). */
const ACCESS_S = 900;
const REFRESH_MS = 30 * 86_400_000;
const TOLERANCE_S = 60;
const DAY = 86_400_000;
const SUBJECTS = ['ada', 'bob'] as const;
/** Two DPoP key thumbprints (the issuer takes the thumbprint of a verified proof; no proof is made here). */
const KEYS = ['A'.repeat(43), 'B'.repeat(43)] as const;
/** The key a refresh presents: none, the session's own (none for an unbound one), or a given one. */
type KeyChoice = 'none' | 'own' | (typeof KEYS)[number];

interface Session {
  sub: string;
  created: number;
  lastRotation: number;
  generation: number;
  ended: boolean;
  /** The DPoP key the session is bound to. */
  jkt: string | undefined;
}
interface Access {
  session: number;
  token: string;
  payload: JWTPayload;
}
interface Refresh {
  session: number;
  generation: number;
  token: string;
}
interface Model {
  now: number;
  sessions: Session[];
  access: Access[];
  refresh: Refresh[];
  revokedJti: Set<string>;
  cutoff: Map<string, number>;
}
interface Real {
  issuer: TokenIssuer;
  verify: (token: string) => Promise<{ payload: JWTPayload }>;
  expire: (now: number) => Promise<void>;
  setClock: (ms: number) => void;
}
type Cmd = fc.AsyncCommand<Model, Real>;

/** What the runs saw, so that the test can show both answers were exercised (its positive control). */
const seen = {
  refreshAccepted: 0,
  refreshRefused: 0,
  accessAccepted: 0,
  accessRefused: 0,
  boundRefreshAccepted: 0,
  wrongKeyRefused: 0,
};

const coveredByCutoff = (m: Model, sub: string, issuedAt: number) => {
  const cutoff = m.cutoff.get(sub);
  return cutoff !== undefined && issuedAt <= cutoff;
};

/** What the rules say of an access token now. */
function accessAccepted(m: Model, a: Access): boolean {
  const { exp, iat, jti } = a.payload as { exp: number; iat: number; jti: string };
  const session = m.sessions[a.session] as Session;
  if (m.now / 1000 - TOLERANCE_S >= exp) return false; // its own lifetime
  return !m.revokedJti.has(jti) && !session.ended && !coveredByCutoff(m, session.sub, iat);
}

/** What the rules say of presenting a refresh token now. */
function refreshOutcome(m: Model, r: Refresh, key: string | undefined): 'accepted' | 'refused' | 'reused' | 'wrong key' {
  const session = m.sessions[r.session] as Session;
  if (session.ended) return 'refused';
  if (m.now >= session.lastRotation + REFRESH_MS) return 'refused'; // its own lifetime
  if (coveredByCutoff(m, session.sub, session.created / 1000)) return 'refused';
  // A bound session without its key: refused before the token is looked at, and nothing changes.
  if (session.jkt !== undefined && key !== session.jkt) return 'wrong key';
  return r.generation === session.generation ? 'accepted' : 'reused';
}

const pick = <T>(list: readonly T[], index: number): T => list[index % list.length] as T;
const describeAccess = (m: Model, a: Access) =>
  `access token of session ${a.session} (${JSON.stringify(m.sessions[a.session])}, iat ${a.payload.iat}) at ${m.now}`;

async function record(
  m: Model,
  r: Real,
  session: number,
  pair: { accessToken: string; refreshToken: string; tokenType: string },
  jkt: string | undefined,
) {
  const { payload } = await r.verify(pair.accessToken);
  assert.equal((payload.cnf as { jkt?: string } | undefined)?.jkt, jkt, 'bound to the key of the session or the request');
  assert.equal(pair.tokenType, jkt === undefined ? 'Bearer' : 'DPoP');
  assert.equal((payload.exp as number) - (payload.iat as number), ACCESS_S, 'the default access lifetime');
  m.access.push({ session, token: pair.accessToken, payload });
  m.refresh.push({ session, generation: (m.sessions[session] as Session).generation, token: pair.refreshToken });
}

class Login implements Cmd {
  constructor(
    readonly sub: string,
    readonly jkt: string | undefined,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const pair = await r.issuer.issueTokenPair(
      { sub: this.sub },
      this.jkt === undefined ? undefined : { dpop: { jkt: this.jkt } },
    );
    m.sessions.push({ sub: this.sub, created: m.now, lastRotation: m.now, generation: 0, ended: false, jkt: this.jkt });
    await record(m, r, m.sessions.length - 1, pair, this.jkt);
  }
  toString = () => `login(${this.sub}${this.jkt === undefined ? '' : `, bound to ${this.jkt[0]}`})`;
}

class PresentRefresh implements Cmd {
  constructor(
    readonly index: number,
    readonly key: KeyChoice,
  ) {}
  check = (m: Readonly<Model>) => m.refresh.length > 0;
  async run(m: Model, r: Real) {
    const token = pick(m.refresh, this.index);
    const session = m.sessions[token.session] as Session;
    const key = this.key === 'none' ? undefined : this.key === 'own' ? session.jkt : this.key;
    const expected = refreshOutcome(m, token, key);
    let answer: string;
    let pair: Awaited<ReturnType<TokenIssuer['refresh']>> | undefined;
    try {
      pair = await r.issuer.refresh(token.token, key === undefined ? undefined : { dpop: { jkt: key } });
      answer = 'accepted';
    } catch (error) {
      if (!(error instanceof JWTKitError)) throw error;
      const reason = (error as RefreshTokenInvalidError).reason;
      answer =
        error.code === 'ERR_REFRESH_TOKEN_REUSED'
          ? 'reused'
          : error.code !== 'ERR_REFRESH_TOKEN_INVALID'
            ? error.code
            : reason === 'dpop_proof_missing' || reason === 'dpop_key_mismatch'
              ? 'wrong key'
              : 'refused';
    }
    // A refused token of an already ended session may be answered as reused: both refuse.
    const same = answer === expected || (expected === 'refused' && answer === 'reused' && session.ended);
    assert.ok(
      same,
      `refresh of session ${token.session} generation ${token.generation} (${JSON.stringify(session)}) at ${m.now}: expected ${expected}, got ${answer}`,
    );
    if (expected === 'accepted') seen.refreshAccepted++;
    else seen.refreshRefused++;
    if (expected === 'accepted' && session.jkt !== undefined) seen.boundRefreshAccepted++;
    if (expected === 'wrong key') seen.wrongKeyRefused++;
    if (expected === 'reused') session.ended = true;
    if (expected === 'accepted' && pair !== undefined) {
      session.generation += 1;
      session.lastRotation = m.now;
      await record(m, r, token.session, pair, session.jkt ?? key);
    }
  }
  toString = () => `refresh(#${this.index}, key ${this.key === 'none' || this.key === 'own' ? this.key : this.key[0]})`;
}

class CheckAccess implements Cmd {
  check = (m: Readonly<Model>) => m.access.length > 0;
  async run(m: Model, r: Real) {
    for (const token of m.access) {
      let accepted: boolean;
      try {
        const { payload } = await r.verify(token.token);
        accepted = !(await r.issuer.revocations.isRevoked(payload));
      } catch (error) {
        if (!(error instanceof JWTKitError) || error.code !== 'ERR_JWT_EXPIRED') throw error;
        accepted = false;
      }
      assert.equal(accepted, accessAccepted(m, token), describeAccess(m, token));
      if (accepted) seen.accessAccepted++;
      else seen.accessRefused++;
    }
  }
  toString = () => 'check every access token';
}

class Logout implements Cmd {
  constructor(
    readonly how: 'access' | 'refresh' | 'both',
    readonly index: number,
  ) {}
  check = (m: Readonly<Model>) => m.access.length > 0;
  async run(m: Model, r: Real) {
    const access = pick(m.access, this.index);
    // The refresh token of the same session, its latest one (what a client holds).
    const refresh = [...m.refresh].reverse().find((token) => token.session === access.session) as Refresh;
    const session = m.sessions[access.session] as Session;
    await r.issuer.logout({
      accessToken: this.how === 'refresh' ? undefined : access.payload,
      refreshToken: this.how === 'access' ? undefined : refresh.token,
    });
    if (this.how !== 'refresh') m.revokedJti.add(access.payload.jti as string);
    // By refresh token alone, a family already past its lifetime has nothing left to end.
    if (this.how !== 'refresh' || m.now < session.lastRotation + REFRESH_MS) session.ended = true;
  }
  toString = () => `logout by ${this.how} (#${this.index})`;
}

class LogoutEverywhere implements Cmd {
  constructor(readonly sub: string) {}
  check = () => true;
  async run(m: Model, r: Real) {
    await r.issuer.logoutAll(this.sub);
    m.cutoff.set(this.sub, Math.max(m.cutoff.get(this.sub) ?? Number.NEGATIVE_INFINITY, m.now / 1000));
  }
  toString = () => `logoutAll(${this.sub})`;
}

class Revoke implements Cmd {
  constructor(
    readonly what: 'jti' | 'sid',
    readonly index: number,
  ) {}
  check = (m: Readonly<Model>) => m.access.length > 0;
  async run(m: Model, r: Real) {
    const access = pick(m.access, this.index);
    if (this.what === 'jti') {
      await r.issuer.revocations.revoke(access.payload);
      m.revokedJti.add(access.payload.jti as string);
    } else {
      await r.issuer.revocations.revokeSession(access.payload.sid as string);
      (m.sessions[access.session] as Session).ended = true;
    }
  }
  toString = () => `revoke ${this.what} (#${this.index})`;
}

class RevokeSubject implements Cmd {
  constructor(
    readonly sub: string,
    readonly offset: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const before = (m.now + this.offset) / 1000;
    await r.issuer.revocations.revokeSubject(this.sub, before);
    m.cutoff.set(this.sub, Math.max(m.cutoff.get(this.sub) ?? Number.NEGATIVE_INFINITY, before));
  }
  toString = () => `revokeSubject(${this.sub}, now ${this.offset >= 0 ? '+' : ''}${this.offset} ms)`;
}

class Advance implements Cmd {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    m.now += this.ms;
    r.setClock(m.now);
    await r.expire(m.now);
  }
  toString = () => `advance ${this.ms} ms`;
}

/**
 * Moves the clock to the last millisecond of a token's life, or the first one past it: the edges
 * where a record that expires a little too early shows, which random jumps would rarely hit.
 */
class AdvanceToEdge implements Cmd {
  constructor(
    readonly kind: 'family' | 'access',
    readonly index: number,
    readonly past: boolean,
  ) {}
  target(m: Readonly<Model>): number {
    const edge =
      this.kind === 'family'
        ? (pick(m.sessions, this.index) as Session).lastRotation + REFRESH_MS
        : ((pick(m.access, this.index) as Access).payload.exp as number) * 1000 + TOLERANCE_S * 1000;
    return this.past ? edge : edge - 1;
  }
  check = (m: Readonly<Model>) => (this.kind === 'family' ? m.sessions : m.access).length > 0 && this.target(m) > m.now;
  async run(m: Model, r: Real) {
    await new Advance(this.target(m) - m.now).run(m, r);
  }
  toString = () => `advance to ${this.past ? 'just past' : 'the last ms of'} ${this.kind} #${this.index}`;
}

const subject = fc.constantFrom(...SUBJECTS);
const index = fc.nat(1000);
const login = fc.tuple(subject, fc.constantFrom(undefined, undefined, ...KEYS)).map(([sub, jkt]) => new Login(sub, jkt));
const keyChoice = fc.constantFrom<KeyChoice>('own', 'own', 'own', 'none', ...KEYS);
const refresh = fc.tuple(index, keyChoice).map(([i, key]) => new PresentRefresh(i, key));
const checkAccess = fc.constant(new CheckAccess());
const advance = fc
  .oneof(
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 5_000 }) },
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 20 * 60_000 }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 * DAY }) },
    { weight: 1, arbitrary: fc.integer({ min: REFRESH_MS - 7_200_000, max: REFRESH_MS + 7_200_000 }) },
  )
  .map((ms) => new Advance(ms));
// Listed more than once: the steps that make and present tokens come up more often than the ones
// that end sessions, so that runs hold live sessions to end.
const commands = fc.commands(
  [
    login,
    login,
    refresh,
    refresh,
    refresh,
    checkAccess,
    checkAccess,
    fc
      .tuple(fc.constantFrom('access', 'refresh', 'both') as fc.Arbitrary<'access' | 'refresh' | 'both'>, index)
      .map(([how, i]) => new Logout(how, i)),
    subject.map((sub) => new LogoutEverywhere(sub)),
    fc.tuple(fc.constantFrom('jti', 'sid') as fc.Arbitrary<'jti' | 'sid'>, index).map(([what, i]) => new Revoke(what, i)),
    fc
      .tuple(subject, fc.oneof(fc.integer({ min: -2 * DAY, max: 0 }), fc.integer({ min: 0, max: 3_600_000 })))
      .map(([sub, offset]) => new RevokeSubject(sub, offset)),
    advance,
    advance,
    fc
      .tuple(fc.constantFrom('family', 'access') as fc.Arbitrary<'family' | 'access'>, index, fc.boolean())
      .map(([kind, i, past]) => new AdvanceToEdge(kind, i, past)),
  ],
  { maxCommands: 40, size: 'max' },
);

export interface ModelStore {
  store: Store;
  /** Removes what the store's own expiry would have removed by `now` (Redis: keys past their PXAT). */
  expire?: (now: number) => Promise<void>;
}

/**
 * Runs the model against the issuer on stores from `open` (a fresh, empty one per run).
 * `numRuns` stays moderate: a few seconds per store.
 */
export function sessionModelSuite(name: string, open: () => Promise<ModelStore>, numRuns = 100): void {
  describe(`session rules, model-based: ${name}`, () => {
    const at = testClock();
    it('never accepts a token a logout covers, at any later time, and keeps every other one working', async () => {
      // Ahead of the real clock: a Redis server expires PXAT keys by its own clock, which must never
      // catch up with the test's while it runs.
      const start = Math.ceil(Date.now() / 1000) * 1000 + DAY;
      at(start);
      const ring = await createKeyRing({ alg: 'ES256', maxTokenLifetime: '1h' });
      const verify = createVerifier({ key: ring.resolver, algorithms: ['ES256'], clockTolerance: TOLERANCE_S });
      await fc.assert(
        fc.asyncProperty(commands, async (cmds) => {
          const setup = async () => {
            at(start);
            const { store, expire } = await open();
            const model: Model = {
              now: start,
              sessions: [],
              access: [],
              refresh: [],
              revokedJti: new Set(),
              cutoff: new Map(),
            };
            const real: Real = {
              issuer: createTokenIssuer({ ring, store }),
              verify,
              expire: expire ?? (async () => {}),
              setClock: at,
            };
            return { model, real };
          };
          await fc.asyncModelRun(setup, cmds);
        }),
        {
          numRuns,
          // A bound session refreshed with its key and then with another: the answers the rarer
          // positive-control counters wait for come up in every run, however few runs a store gets.
          examples: [[[new Login('ada', KEYS[0]), new PresentRefresh(0, 'own'), new PresentRefresh(0, KEYS[1])]]],
        },
      );
      // Positive control: both answers came up for both kinds of token, so neither side of the
      // comparison can have been constant.
      for (const [what, count] of Object.entries(seen)) assert.ok(count > 0, `no ${what} in ${numRuns} runs`);
      const check = createTokenIssuer({ ring, store: (await open()).store });
      const pair = await check.issueTokenPair({ sub: 'ada' });
      assert.ok(await check.refresh(pair.refreshToken), 'a fresh session refreshes');
    });

    // The sequence the random runs rarely reach: a cut-off set ahead of time covers families begun
    // after it was written, whose life (refresh lifetime from their start) ends after the cut-off's
    // writing plus that lifetime. Its record must last until the last of them is gone.
    it('keeps a cut-off set ahead of time until the families it covers have expired', async () => {
      const start = Math.ceil(Date.now() / 1000) * 1000 + DAY;
      const ring = await createKeyRing({ alg: 'ES256', maxTokenLifetime: '1h' });
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 3_600_000 }),
          fc.double({ min: 0, max: 1, noNaN: true }),
          async (ahead, share) => {
            at(start);
            const { store, expire = async () => {} } = await open();
            const issuer = createTokenIssuer({ ring, store });
            await issuer.revocations.revokeSubject('ada', (start + ahead) / 1000);
            const begun = start + Math.floor(ahead * share);
            at(begun);
            const { refreshToken } = await issuer.issueTokenPair({ sub: 'ada' });
            at(begun + REFRESH_MS - 1);
            await expire(begun + REFRESH_MS - 1);
            await assert.rejects(issuer.refresh(refreshToken), { code: 'ERR_REFRESH_TOKEN_INVALID' });
          },
        ),
        { numRuns: Math.ceil(numRuns / 4) },
      );
      // Positive control: a family begun after the cut-off refreshes at the same moment.
      at(start);
      const { store } = await open();
      const issuer = createTokenIssuer({ ring, store });
      await issuer.revocations.revokeSubject('ada', start / 1000);
      at(start + 1000);
      const { refreshToken } = await issuer.issueTokenPair({ sub: 'ada' });
      at(start + 1000 + REFRESH_MS - 1);
      assert.ok(await issuer.refresh(refreshToken));
    });
  });
}
