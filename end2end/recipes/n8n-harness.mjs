// Runs docs/recipes/n8n-code-node.js the way n8n does after a Webhook node: one item per
// request, { headers (lower-cased), params, query, body (parsed JSON) }, with $env. The
// node answers 200 with its result, or 401 when the code throws (the signature is wrong).
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const code = readFileSync(new URL('../../docs/recipes/n8n-code-node.js', import.meta.url), 'utf8');
const require = createRequire(import.meta.url);
const run = new Function('$json', '$env', 'require', code);

createServer((req, res) => {
  let raw = '';
  req.on('data', (c) => (raw += c));
  req.on('end', () => {
    const url = new URL(req.url, 'http://localhost');
    const item = { headers: req.headers, params: {}, query: Object.fromEntries(url.searchParams), body: JSON.parse(raw || '{}') };
    try {
      const out = run(item, process.env, require);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(out.json));
    } catch (err) {
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end(String(err.message));
    }
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
