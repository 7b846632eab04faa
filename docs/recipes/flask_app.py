"""ConnectGain webhooks in Python with Flask: verify X-Webhook-Signature, an HMAC-SHA256 of
the exact body bytes keyed by the signing secret. Run: pip install flask"""
import hashlib
import hmac
import os

from flask import Flask, abort, request

SECRET = os.environ["CONNECTGAIN_WEBHOOK_SECRET"].encode()  # whsec_… from Settings → Webhooks
app = Flask(__name__)


@app.post("/webhooks/connectgain")
def connectgain():
    # The raw bytes that were signed. json.dumps(request.json) writes different bytes
    # (spaces after ':' and ',', escaped non-ASCII), so its signature never matches.
    body = request.get_data()
    expected = hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    # Accepts both signature styles: "<hex>" and "sha256=<hex>".
    given = request.headers.get("X-Webhook-Signature", "").removeprefix("sha256=")
    if not hmac.compare_digest(given, expected):
        abort(401)
    event = request.get_json()
    # webhook-id is the same on every retry of one delivery: use it to skip duplicates.
    print("verified", request.headers.get("webhook-id"), event["event"], flush=True)
    return "ok"


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "5000")))
