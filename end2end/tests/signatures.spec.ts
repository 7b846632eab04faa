import { test, expect } from './fixtures';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

// The recipes of "Verifying signatures" (docs/recipes/, shown on /docs/verifying-signatures)
// run as real receivers of real deliveries: each must answer 200 to what ConnectGain sends
// and 401 to the same body with a forged signature.
const root = resolve(__dirname, '../..');
const python = resolve(root, 'end2end/.venv/bin/python');

const recipes: { name: string; command: string[]; style?: string }[] = [
  { name: 'express', command: ['node', 'docs/recipes/express.js'] },
  { name: 'express, sha256=', command: ['node', 'docs/recipes/express.js'], style: 'sha256' },
  { name: 'flask', command: [python, 'docs/recipes/flask_app.py'] },
  { name: 'n8n code node', command: ['node', 'end2end/recipes/n8n-harness.mjs'] },
  { name: 'standard webhooks (node)', command: ['node', 'docs/recipes/standard-webhooks.js'] },
  { name: 'standard webhooks (python)', command: [python, 'docs/recipes/standard_webhooks.py'] },
];

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

test('every signature recipe accepts real deliveries and refuses forged ones', async ({ request }) => {
  const email = `recipes-${Date.now()}@example.com`;
  const password = 'correct horse battery';
  const signup = await request.post('/api/v1/auth/signup', { data: { email, password, organization_name: 'Recipes Co' } });
  expect(signup.status()).toBe(201);
  const login = await request.post('/api/v1/auth/login', { data: { email, password } });
  const api = { authorization: `Bearer ${(await login.json()).access_token}` };

  const running: { name: string; url: string; child: ChildProcess; output: string[]; id?: string }[] = [];
  try {
    for (const recipe of recipes) {
      const port = await freePort();
      const secret = `whsec_${randomBytes(32).toString('base64')}`;
      const output: string[] = [];
      const child = spawn(recipe.command[0], recipe.command.slice(1), {
        cwd: root,
        env: { ...process.env, PORT: String(port), CONNECTGAIN_WEBHOOK_SECRET: secret, NODE_PATH: resolve(root, 'end2end/node_modules') },
      });
      child.stdout?.on('data', (d) => output.push(String(d)));
      child.stderr?.on('data', (d) => output.push(String(d)));
      const url = `http://127.0.0.1:${port}/webhooks/connectgain`;
      running.push({ name: recipe.name, url, child, output });
      // Up once it answers anything.
      await expect
        .poll(async () => (await request.get(url, { failOnStatusCode: false }).catch(() => null))?.status() ?? 0, { timeout: 60_000, message: `${recipe.name}: ${output.join('')}` })
        .toBeGreaterThan(0);
      const created = await request.post('/api/v1/webhooks', {
        data: { name: recipe.name, url, events: ['contact.created'], secret, signature_style: recipe.style ?? 'hex' },
        headers: api,
      });
      expect(created.status(), await created.text()).toBe(201);
      running[running.length - 1].id = (await created.json()).id;
    }

    // One contact: one delivery to every recipe, each verified there.
    expect((await request.post('/api/contacts', { data: { email: 'grace@example.com', first_name: 'Grace' }, headers: api })).status()).toBe(201);
    for (const r of running) {
      const attempt = async () => (await (await request.get(`/api/v1/webhooks/${r.id}/logs`, { headers: api })).json()).data[0];
      await expect.poll(async () => (await attempt())?.status_code ?? null, { timeout: 60_000, message: `${r.name}: ${r.output.join('')}` }).toBe(200);
    }

    // The same body with a forged signature is refused by each.
    const body = JSON.stringify({ event: 'contact.created', timestamp: new Date().toISOString(), data: { email: 'mallory@example.com' } });
    const seconds = Math.floor(Date.now() / 1000);
    for (const r of running) {
      const forged = await request.post(r.url, {
        data: body,
        headers: {
          'content-type': 'application/json',
          'x-webhook-signature': 'ab'.repeat(32),
          'webhook-id': 'msg_forged',
          'webhook-timestamp': String(seconds),
          'webhook-signature': `v1,${Buffer.from('forged').toString('base64')}`,
        },
        failOnStatusCode: false,
      });
      expect(forged.status(), r.name).toBe(401);
    }
  } finally {
    for (const r of running) r.child.kill();
  }
});
