// Minimal, real OpenID Connect provider for ReApiWeb end-to-end tests.
// It is a TEST TOOL: in-memory storage, throw-away keys, and a control endpoint
// that lets tests mutate users. Never expose it beyond loopback.
//
// Usage: node provider.mjs <config.json>   (see README.md for the config format)
// Prints exactly one line "READY <issuer>" to stdout once listening; all other
// output goes to stderr.

import { readFileSync, fstatSync } from 'node:fs';
import http from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

// stdout is reserved for the READY line: oidc-provider prints notices with
// console.info, so route every console method to stderr.
const log = (...args) => console.error(...args);
console.log = console.info = console.debug = console.warn = log;

const configPath = process.argv[2];
if (!configPath) {
  log('usage: node provider.mjs <config.json>');
  process.exit(2);
}
const config = JSON.parse(readFileSync(configPath, 'utf8'));
// Each step of the start to stderr: a start that does not reach READY says where it stopped (the test prints stderr).
log(`started: modules loaded, config read (port ${config.port})`);

// Mutable user table: the test-control endpoint changes it, and every token
// issuance (including refresh) reads the current values through findAccount.
const users = new Map(config.users.map((u) => [u.id, {
  groups: [], roles: [], disabled: false, email_verified: true, ...u,
}]));

// A fresh RS256 signing key per process (ASP.NET Core's default expectation).
// The kid is random too, so a client that cached an old JWKS refetches it.
const signingKey = {
  ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
  kid: `e2e-${randomBytes(6).toString('hex')}`, use: 'sig', alg: 'RS256',
};

log('signing key made');

const html = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, { error, username } = {}) {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Test identity provider</title></head>
<body>
  <h1>Test identity provider</h1>
  ${error ? `<p role="alert" id="error">${html(error)}</p>` : ''}
  <form method="post" action="/interaction/${html(uid)}/login" autocomplete="off">
    <p><label for="username">Username</label>
       <input id="username" name="username" value="${html(username)}" autofocus></p>
    <p><label for="password">Password</label>
       <input id="password" name="password" type="password"></p>
    <button type="submit">Sign in</button>
  </form>
</body>
</html>`;
}

// RP-initiated logout confirmation: oidc-provider hands us an (empty) form that
// posts to end_session_confirm. Adding logout=yes makes it end the whole provider
// session (not just this client's part), and the inline script submits it right
// away; the visible button is a no-JS fallback.
async function logoutSource(ctx, form) {
  const autoForm = form.replace('</form>', '<input type="hidden" name="logout" value="yes"/></form>');
  ctx.body = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Signing out</title></head>
<body>
  <h1>Signing out…</h1>
  ${autoForm}
  <button type="submit" form="op.logoutForm">Sign out</button>
  <script>document.forms[0].submit()</script>
</body>
</html>`;
}

const provider = new Provider(config.issuer, {
  clients: config.clients.map((c) => ({
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    // Registered as basic, but oidc-provider accepts client_secret_post too for
    // any client registered with either of the two secret-based methods.
    token_endpoint_auth_method: 'client_secret_basic',
    ...c,
  })),
  jwks: { keys: [signingKey] },

  // Plain-HTTP loopback: cookies must not be Secure, and lax SameSite keeps the
  // session across the top-level redirects Chromium makes during the flows.
  cookies: {
    keys: [randomBytes(32).toString('hex')],
    long: { httpOnly: true, sameSite: 'lax', secure: false },
    short: { httpOnly: true, sameSite: 'lax', secure: false },
  },

  pkce: { required: () => true }, // oidc-provider 9 supports S256 only

  scopes: ['openid', 'offline_access', 'profile', 'email', 'groups', 'roles'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'groups', 'roles'],
    email: ['email', 'email_verified'],
    groups: ['groups', 'roles'],
    roles: ['roles'],
  },
  conformIdTokenClaims: false, // put scope claims into the ID token, not only userinfo

  // Returning undefined for unknown/disabled users makes the refresh_token grant
  // fail with invalid_grant and turns an existing browser session into a login prompt.
  async findAccount(ctx, id) {
    const user = users.get(id);
    if (!user || user.disabled) return undefined;
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          name: user.name,
          email: user.email,
          email_verified: user.email_verified,
          groups: [...user.groups],
          roles: [...user.roles],
        };
      },
    };
  },

  // Always issue refresh tokens (not only for offline_access).
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),

  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false }, // replaced by the handlers below
    rpInitiatedLogout: { enabled: true, logoutSource },
    revocation: { enabled: true },
  },
  ...(config.ttl ? { ttl: config.ttl } : {}), // optional, e.g. { "AccessToken": 60 }
});

for (const event of ['server_error', 'authorization.error', 'grant.error', 'end_session.error',
  'userinfo.error', 'revocation.error']) {
  // error_detail carries the real reason (e.g. "referenced account not found").
  provider.on(event, (ctx, err) => log(`[${event}]`, err?.message, err?.error_detail ?? ''));
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res, status, body, type = 'text/html; charset=utf-8') {
  res.statusCode = status;
  res.setHeader('Cache-Control', 'no-store');
  if (body !== undefined) res.setHeader('Content-Type', type);
  res.end(body);
}

// GET /interaction/:uid — show the login form, or grant consent automatically.
async function showInteraction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { uid, prompt, params, session, grantId } = details;

  if (prompt.name === 'login') {
    return send(res, 200, loginPage(uid, { username: params.login_hint }));
  }
  if (prompt.name === 'consent') {
    // No consent screen: grant everything that is missing for this client.
    const grant = grantId
      ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const missing = prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const result = { consent: { grantId: await grant.save() } };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
  }
  return send(res, 501, `unsupported prompt ${html(prompt.name)}`, 'text/plain');
}

// POST /interaction/:uid/login — check the password against the user table.
async function submitLogin(req, res) {
  const { uid, prompt } = await provider.interactionDetails(req, res);
  if (prompt.name !== 'login') return send(res, 400, 'not a login interaction', 'text/plain');

  const form = new URLSearchParams(await readBody(req));
  const username = form.get('username') ?? '';
  const user = users.get(username);
  let error;
  if (!user || user.password !== form.get('password')) error = 'Invalid username or password';
  else if (user.disabled) error = 'This account is disabled';
  if (error) return send(res, 200, loginPage(uid, { error, username }));

  return provider.interactionFinished(req, res, { login: { accountId: user.id } },
    { mergeWithLastSubmission: false });
}

// POST /__test/users/:id {"groups": [...], "roles": [...], "disabled": true, ...}
async function updateUser(req, res, id) {
  const user = users.get(id);
  if (!user) return send(res, 404, 'unknown user', 'text/plain');
  let patch;
  try {
    patch = JSON.parse((await readBody(req)) || '{}');
  } catch {
    return send(res, 400, 'invalid JSON', 'text/plain');
  }
  for (const key of ['groups', 'roles', 'disabled', 'name', 'email', 'email_verified', 'password']) {
    if (key in patch) user[key] = patch[key];
  }
  log(`[test] user ${id} updated:`, JSON.stringify(patch));
  return send(res, 204);
}

const providerCallback = provider.callback();

const server = http.createServer(async (req, res) => {
  res.on('finish', () => log(`${req.method} ${req.url} -> ${res.statusCode}`));
  try {
    const { pathname } = new URL(req.url, 'http://localhost');
    let m;
    if (req.method === 'POST' && (m = pathname.match(/^\/__test\/users\/([^/]+)$/))) {
      return await updateUser(req, res, decodeURIComponent(m[1]));
    }
    if (req.method === 'GET' && /^\/interaction\/[^/]+$/.test(pathname)) {
      return await showInteraction(req, res);
    }
    if (req.method === 'POST' && /^\/interaction\/[^/]+\/login$/.test(pathname)) {
      return await submitLogin(req, res);
    }
    return providerCallback(req, res); // every OIDC endpoint
  } catch (err) {
    // e.g. SessionNotFound when the interaction cookie is missing/expired
    log('[interaction error]', err);
    if (!res.headersSent) send(res, err.statusCode ?? 500, `${err.name}: ${err.message}`, 'text/plain');
  }
});

let stopping = false;
function shutdown(reason) {
  if (stopping) return;
  stopping = true;
  log(`shutting down (${reason})`);
  server.close();
  server.closeAllConnections();
  process.exit(0);
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

// Exit when the parent closes our stdin (e.g. a crashed test runner). Only when
// stdin is a pipe/socket: a terminal or /dev/null must not stop the provider.
const stdin = fstatSync(0);
if (stdin.isFIFO() || stdin.isSocket()) {
  process.stdin.on('end', () => shutdown('stdin closed'));
  process.stdin.on('error', () => shutdown('stdin error'));
  process.stdin.resume();
}

server.on('error', (err) => {
  log('cannot listen:', err.message);
  process.exit(1);
});
log('listening…');
server.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`READY ${config.issuer}\n`);
});
