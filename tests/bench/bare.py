"""The bare endpoint: the least a Flask app under gunicorn can do, the bench's yardstick."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"
