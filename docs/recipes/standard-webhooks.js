// ConnectGain signs every delivery the Standard Webhooks way too (webhook-id,
// webhook-timestamp, webhook-signature), so their libraries verify it, timestamp check
// included. Needs a generated whsec_… secret. Run: npm install standardwebhooks express
const express = require('express');
const { Webhook } = require('standardwebhooks');

const wh = new Webhook(process.env.CONNECTGAIN_WEBHOOK_SECRET);
const app = express();

app.post('/webhooks/connectgain', express.raw({ type: 'application/json' }), (req, res) => {
  let event;
  try {
    event = wh.verify(req.body.toString('utf8'), req.headers); // throws unless valid and recent
  } catch (err) {
    return res.status(401).send('invalid signature');
  }
  console.log('verified', req.get('webhook-id'), event.event);
  res.status(200).send('ok');
});

app.listen(Number(process.env.PORT || 3000), '127.0.0.1');
