"""ConnectGain deliveries verified with the Standard Webhooks library for Python (timestamp
check included). Needs a generated whsec_… secret. Run: pip install standardwebhooks flask"""
import os

from flask import Flask, abort, request
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

wh = Webhook(os.environ["CONNECTGAIN_WEBHOOK_SECRET"])
app = Flask(__name__)


@app.post("/webhooks/connectgain")
def connectgain():
    try:
        event = wh.verify(request.get_data(), dict(request.headers))
    except WebhookVerificationError:
        abort(401)
    print("verified", request.headers.get("webhook-id"), event["event"], flush=True)
    return "ok"


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "5000")))
