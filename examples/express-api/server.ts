// An Express API: log in to get a token (as JSON for API clients, and in an HttpOnly cookie for the
// browser), then call protected routes with either. Run: `node dist/examples/express-api/server.js`
// (PORT and JWT_SECRET from the environment; a random secret otherwise).
import express from 'express';
import { generateSecret, importKey, type Key, signJWT } from 'jwtkit';
import { authErrorHandler, jwtAuth, type Request } from 'jwtkit/express';
import { clearTokenCookie, createCSRFToken, setCSRFCookie, setTokenCookie } from 'jwtkit/http';

// A stand-in for your user store: never keep plain passwords in a real one.
const USERS: Record<string, { password: string; scope: string }> = {
  ada: { password: 'lovelace', scope: 'notes:read notes:write' },
  bob: { password: 'builder', scope: 'notes:read' },
};

function passwordMatches(username: string, password: string): boolean {
  const user = Object.hasOwn(USERS, username) ? USERS[username] : undefined;
  return user !== undefined && user.password === password;
}

const secret: Key = process.env.JWT_SECRET
  ? await importKey(process.env.JWT_SECRET, { alg: 'HS256' })
  : await generateSecret('HS256');
const auth = { key: secret, algorithms: ['HS256'], issuer: 'express-api', audience: 'express-api', cookie: true };
const notes: { author: string; text: string }[] = [];

const app = express();
app.use(express.json());

app.post('/login', async (req, res) => {
  const { username, password } = req.body ?? {};
  if (typeof username !== 'string' || typeof password !== 'string' || !passwordMatches(username, password)) {
    res.status(401).json({ error: 'invalid_credentials' });
    return;
  }
  const token = await signJWT({ sub: username, scope: USERS[username]?.scope }, secret, {
    issuer: 'express-api',
    audience: 'express-api',
    expiresIn: '15m',
  });
  setTokenCookie(res, token);
  setCSRFCookie(res, createCSRFToken());
  res.json({ token });
});

app.post('/logout', (_req, res) => {
  clearTokenCookie(res);
  res.status(204).end();
});

app.get('/api/me', jwtAuth(auth), (req: Request, res) => {
  res.json({ user: req.auth?.payload.sub });
});

app.get('/api/notes', jwtAuth({ ...auth, requiredScopes: ['notes:read'] }), (_req, res) => {
  res.json(notes);
});

app.post('/api/notes', jwtAuth({ ...auth, requiredScopes: ['notes:write'] }), (req: Request, res) => {
  const note = { author: String(req.auth?.payload.sub), text: String(req.body?.text ?? '') };
  notes.push(note);
  res.status(201).json(note);
});

app.use(authErrorHandler());

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : ''}`);
});
