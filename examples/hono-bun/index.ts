// A Hono API on Bun: log in to get a token (JSON and an HttpOnly cookie), then call protected
// routes. Run: `bun examples/hono-bun/index.ts` (PORT and JWT_SECRET from the environment).
import { Hono } from 'hono';
import { generateSecret, importKey, signJWT } from 'jwtkit';
import { type JwtVariables, jwtAuth } from 'jwtkit/hono';
import { clearTokenCookie, createCSRFToken, setCSRFCookie, setTokenCookie } from 'jwtkit/http';

// A stand-in for your user store: never keep plain passwords in a real one.
const USERS: Record<string, { password: string; scope: string }> = {
  ada: { password: 'lovelace', scope: 'notes:read notes:write' },
  bob: { password: 'builder', scope: 'notes:read' },
};

const secret = process.env.JWT_SECRET ? await importKey(process.env.JWT_SECRET, { alg: 'HS256' }) : await generateSecret('HS256');
const auth = { key: secret, algorithms: ['HS256'], issuer: 'hono-api', audience: 'hono-api', cookie: true };
const notes: { author: string; text: string }[] = [];

const app = new Hono<{ Variables: JwtVariables }>();

app.post('/login', async (c) => {
  const { username, password } = await c.req.json().catch(() => ({}));
  const user = typeof username === 'string' && Object.hasOwn(USERS, username) ? USERS[username] : undefined;
  if (user === undefined || typeof password !== 'string' || user.password !== password)
    return c.json({ error: 'invalid_credentials' }, 401);
  const token = await signJWT({ sub: username, scope: user.scope }, secret, {
    issuer: 'hono-api',
    audience: 'hono-api',
    expiresIn: '15m',
  });
  setTokenCookie(c, token);
  setCSRFCookie(c, createCSRFToken());
  return c.json({ token });
});

app.post('/logout', (c) => {
  clearTokenCookie(c);
  return c.body(null, 204);
});

app.get('/api/me', jwtAuth(auth), (c) => c.json({ user: c.get('jwtPayload').sub }));

app.get('/api/notes', jwtAuth({ ...auth, requiredScopes: ['notes:read'] }), (c) => c.json(notes));

app.post('/api/notes', jwtAuth({ ...auth, requiredScopes: ['notes:write'] }), async (c) => {
  const { text } = await c.req.json().catch(() => ({}));
  const note = { author: String(c.get('jwtPayload').sub), text: String(text ?? '') };
  notes.push(note);
  return c.json(note, 201);
});

const server = Bun.serve({ hostname: '127.0.0.1', port: Number(process.env.PORT ?? 3000), fetch: app.fetch });
console.log(`listening on http://127.0.0.1:${server.port}`);
