// A real HTTP server standing in for the outside services during the browser tests:
// Appgain's signup webhook (answering credentials, or failing while told to) and notify
// API, the WhatsApp Cloud API under /graph, Twilio under /twilio, and an n8n instance
// under /n8n that records what its workflow webhooks receive (read back at /__n8n); the
// messages sent through the Graph API are read back at /__graph.
import { createServer } from 'node:http';

const port = Number(process.env.FAKE_SERVICES_PORT ?? 3138);
let failing = false;
const signups = [];
const n8nCalls = [];
const graphMessages = [];

const json = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    if (req.method === 'GET' && req.url === '/healthz') return json(res, 200, { ok: true });
    if (req.method === 'POST' && req.url === '/__control') {
      failing = JSON.parse(body).failing === true;
      return json(res, 200, { failing });
    }
    if (req.method === 'POST' && req.url === '/webhook/connectGain-onSignup') {
      const payload = JSON.parse(body);
      signups.push(payload);
      if (failing) return json(res, 503, { message: 'workflow is not active' });
      const n = signups.length;
      return json(res, 200, { suitId: `suit-e2e-${n}`, apiKey: `appgain-e2e-secret-key-${n}-0123456789abcdef` });
    }
    if (req.method === 'GET' && req.url === '/__n8n') return json(res, 200, n8nCalls);
    if (req.method === 'GET' && req.url === '/__graph') return json(res, 200, graphMessages);
    if (req.method === 'POST' && req.url.startsWith('/n8n/webhook/')) {
      n8nCalls.push({ path: req.url, authorization: req.headers.authorization ?? null, body: JSON.parse(body || '{}') });
      return json(res, 200, { ok: true, received: n8nCalls.length });
    }
    const graph = req.method === 'POST' && req.url.match(/^\/graph\/([^/]+)\/messages$/);
    if (graph) {
      if (!(req.headers.authorization ?? '').startsWith('Bearer EAA')) {
        return json(res, 401, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } });
      }
      const message = JSON.parse(body);
      graphMessages.push({ phoneNumberId: graph[1], ...message, id: `wamid.e2e-${graphMessages.length + 1}` });
      const { to, id } = graphMessages.at(-1);
      return json(res, 200, { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id }] });
    }
    const twilio = req.method === 'POST' && req.url.match(/^\/twilio\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/);
    if (twilio) {
      const form = new URLSearchParams(body);
      if (!(req.headers.authorization ?? '').startsWith('Basic ')) return json(res, 401, { code: 20003, message: 'Authenticate' });
      if (form.get('To') === '+15005550001') {
        return json(res, 400, { code: 21211, message: "The 'To' number +15005550001 is not a valid phone number.", status: 400 });
      }
      return json(res, 201, { sid: 'SMe2e00000000000000000000000000001', status: 'queued', to: form.get('To') });
    }
    const send = req.method === 'POST' && req.url.match(/^\/([^/]+)\/send$/);
    if (send) {
      const key = req.headers['appapikey'];
      if (!key) return json(res, 401, { message: 'missing appApiKey' });
      return json(res, 200, { status: 'queued', suitId: decodeURIComponent(send[1]) });
    }
    json(res, 404, { message: 'not found' });
  });
}).listen(port, '127.0.0.1');
