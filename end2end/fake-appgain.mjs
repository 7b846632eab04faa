// A real HTTP server standing in for Appgain during the browser tests: the signup webhook
// (answering credentials, or failing while told to) and a control endpoint for the tests.
import { createServer } from 'node:http';

const port = Number(process.env.FAKE_APPGAIN_PORT ?? 3138);
let failing = false;
const signups = [];

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
    const send = req.method === 'POST' && req.url.match(/^\/([^/]+)\/send$/);
    if (send) {
      const key = req.headers['appapikey'];
      if (!key) return json(res, 401, { message: 'missing appApiKey' });
      return json(res, 200, { status: 'queued', suitId: decodeURIComponent(send[1]) });
    }
    json(res, 404, { message: 'not found' });
  });
}).listen(port, '127.0.0.1');
