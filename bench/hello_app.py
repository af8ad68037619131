"""The framework floor for bench/load.py: a bare Flask app with one endpoint."""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello() -> str:
    """Nothing but Flask and the WSGI server."""
    return "hello"
