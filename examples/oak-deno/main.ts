// An Oak API on Deno: log in to get a token (JSON and an HttpOnly cookie), then call protected
// routes. Run: `deno run -A examples/oak-deno/main.ts` (PORT and JWT_SECRET from the environment).
// Oak comes from its npm build here (`npm:@oakserver/oak`); with JSR, import `jsr:@oak/oak` instead.
import { Application, Router } from '@oakserver/oak';
import { generateSecret, importKey, signJWT } from 'jwtkit';
import { AuthError, clearTokenCookie, createCSRFToken, setCSRFCookie, setTokenCookie } from 'jwtkit/http';
import { jwtAuth } from 'jwtkit/oak';

// A stand-in for your user store: never keep plain passwords in a real one.
const USERS: Record<string, { password: string; scope: string }> = {
  ada: { password: 'lovelace', scope: 'notes:read notes:write' },
  bob: { password: 'builder', scope: 'notes:read' },
};

const envSecret = Deno.env.get('JWT_SECRET');
const secret = envSecret ? await importKey(envSecret, { alg: 'HS256' }) : await generateSecret('HS256');
const auth = { key: secret, algorithms: ['HS256'], issuer: 'oak-api', audience: 'oak-api', cookie: true };
const notes: { author: string; text: string }[] = [];

const router = new Router();

router.post('/login', async (ctx) => {
  const { username, password } = await ctx.request.body.json().catch(() => ({}));
  const user = typeof username === 'string' && Object.hasOwn(USERS, username) ? USERS[username] : undefined;
  if (user === undefined || typeof password !== 'string' || user.password !== password) {
    ctx.response.status = 401;
    ctx.response.body = { error: 'invalid_credentials' };
    return;
  }
  const token = await signJWT({ sub: username, scope: user.scope }, secret, {
    issuer: 'oak-api',
    audience: 'oak-api',
    expiresIn: '15m',
  });
  setTokenCookie(ctx.response.headers, token);
  setCSRFCookie(ctx.response.headers, createCSRFToken());
  ctx.response.body = { token };
});

router.post('/logout', (ctx) => {
  clearTokenCookie(ctx.response.headers);
  ctx.response.status = 204;
});

router.get('/api/me', jwtAuth(auth), (ctx) => {
  ctx.response.body = { user: ctx.state.user.sub };
});

router.get('/api/notes', jwtAuth({ ...auth, requiredScopes: ['notes:read'] }), (ctx) => {
  ctx.response.body = notes;
});

router.post('/api/notes', jwtAuth({ ...auth, requiredScopes: ['notes:write'] }), async (ctx) => {
  const { text } = await ctx.request.body.json().catch(() => ({}));
  const note = { author: ctx.state.user.sub, text: String(text ?? '') };
  notes.push(note);
  ctx.response.status = 201;
  ctx.response.body = note;
});

// Refusals are answers, not faults: log only the errors that are not AuthErrors.
const app = new Application({ logErrors: false });
app.addEventListener('error', ({ error }) => {
  if (!(error instanceof AuthError)) console.error(error);
});
app.use(router.routes());
app.use(router.allowedMethods());

// Served by Deno.serve through app.handle: Oak's npm build takes Deno for Node, and its app.listen()
// then goes through node:http, which keeps only the last of several Set-Cookie headers. Its
// responses are undici's, copied here into Deno's own class (the JSR build needs neither step).
const port = Number(Deno.env.get('PORT') ?? 8000);
const onListen = () => console.log(`listening on http://127.0.0.1:${port}`);
Deno.serve({ hostname: '127.0.0.1', port, onListen }, async (request, info) => {
  const response = await app.handle(request, info.remoteAddr);
  if (response === undefined) return new Response(null, { status: 404 });
  return new Response(response.body, { status: response.status, headers: new Headers([...response.headers]) });
});
