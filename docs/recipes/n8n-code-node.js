// n8n: a Webhook node (HTTP Method POST) followed by this Code node ("Run Once for Each
// Item"). The Webhook node's item is { headers, params, query, body } with the body parsed.
// Self-hosted n8n allows the module with NODE_FUNCTION_ALLOW_BUILTIN=crypto.
const crypto = require('crypto');

const secret = $env.CONNECTGAIN_WEBHOOK_SECRET; // whsec_… from Settings → Webhooks
// ConnectGain sends compact JSON that JSON.stringify writes back byte for byte. (Hashing
// JSON.stringify($json) signs the whole item, headers included, and never matches.)
const body = JSON.stringify($json.body);
const expected = crypto.createHmac('sha256', secret).update(body).digest('hex');
// n8n lower-cases header names. Accepts "<hex>" and "sha256=<hex>".
const given = String($json.headers['x-webhook-signature'] || '').replace(/^sha256=/, '');
const valid = given.length === expected.length && crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected));
if (!valid) {
  throw new Error('Invalid ConnectGain signature');
}
return { json: { webhookId: $json.headers['webhook-id'], event: $json.body.event, data: $json.body.data } };
