// ConnectGain webhooks in Node.js with Express: verify X-Webhook-Signature, an HMAC-SHA256
// of the exact body bytes keyed by the signing secret. Run: npm install express
const crypto = require('node:crypto');
const express = require('express');

const secret = process.env.CONNECTGAIN_WEBHOOK_SECRET; // whsec_… from Settings → Webhooks
const app = express();

// express.raw keeps the body as the bytes that were signed. express.json() would parse it,
// and JSON.stringify(req.body) is not guaranteed to give those bytes back.
app.post('/webhooks/connectgain', express.raw({ type: 'application/json' }), (req, res) => {
  const expected = crypto.createHmac('sha256', secret).update(req.body).digest('hex');
  // Accepts both signature styles: "<hex>" and "sha256=<hex>".
  const given = String(req.get('X-Webhook-Signature') || '').replace(/^sha256=/, '');
  const valid = given.length === expected.length && crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected));
  if (!valid) return res.status(401).send('invalid signature');

  const event = JSON.parse(req.body);
  // webhook-id is the same on every retry of one delivery: use it to skip duplicates.
  console.log('verified', req.get('webhook-id'), event.event);
  res.status(200).send('ok');
});

app.listen(Number(process.env.PORT || 3000), '127.0.0.1');
