"""The web demo's HTTP server: a static page and a small JSON API.

Python's own ``http.server`` (threaded) serves it, so the page needs no
package beyond mmrepose's. Routes::

    GET  /                   the page (static/index.html)
    GET  /static/NAME        its script and style sheet
    GET  /api/info           sizes, skeleton, samplers, defaults, examples
    GET  /api/examples/NAME  a bundled example's image
    POST /api/pose           {"image": DATA_URL, "name"} -> {"keypoints"}
    POST /api/generate       {"source", "target_keypoints", "sampling"}
                             -> {"job": ID}
    GET  /api/jobs/ID        {"state", "step", "total", "result", "error"}

A bad request is answered 400 with ``{"error": "one line"}``; anything
unexpected 500, the same way, and the traceback goes to the server's log.
The server keeps serving either way.
"""
from __future__ import annotations

import json
import logging
import mimetypes
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .job_queue import JobQueue, one_line
from .pose_transfer_service import PoseTransferService

STATIC = Path(__file__).with_name('static')
#: Largest request body accepted (an uploaded photo as a data URL).
MAX_BODY_BYTES = 20 * 2**20
logger = logging.getLogger(__name__)


class ClientError(ValueError):
    """A request the server refuses, with its HTTP status."""

    def __init__(self, message: str,
                 status: HTTPStatus = HTTPStatus.BAD_REQUEST):
        super().__init__(message)
        self.status = status


class WebDemoServer(ThreadingHTTPServer):
    """Serves the page for ``service``; generations go through one
    :class:`JobQueue`."""

    daemon_threads = True

    def __init__(self, service: PoseTransferService, host: str, port: int):
        self.service = service
        self.jobs = JobQueue(service.generate)
        super().__init__((host, port), WebDemoHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f'http://{host}:{port}/'

    def server_close(self) -> None:
        super().server_close()
        self.jobs.close()


class WebDemoHandler(BaseHTTPRequestHandler):
    """The routes of the module docstring."""

    server: WebDemoServer

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self._answer(self._get)

    def do_POST(self) -> None:  # noqa: N802
        self._answer(self._post)

    def log_message(self, format: str, *args: Any) -> None:
        logger.info('%s - %s', self.address_string(), format % args)

    def _get(self) -> tuple[bytes, str] | Any:
        path = self.path.split('?', 1)[0]
        service = self.server.service
        if path == '/':
            return self._static('index.html')
        if path.startswith('/static/'):
            return self._static(path[len('/static/'):])
        if path == '/api/info':
            return service.info()
        if path.startswith('/api/examples/'):
            name = path[len('/api/examples/'):]
            try:
                image = service.example(name).image
            except KeyError:
                raise ClientError(f'no example {name!r}',
                                  HTTPStatus.NOT_FOUND) from None
            return image.read_bytes(), mimetypes.guess_type(image.name)[0]
        if path.startswith('/api/jobs/'):
            try:
                return self.server.jobs.get(path[len('/api/jobs/'):]).as_dict()
            except KeyError:
                raise ClientError('no such job (finished long ago, or the '
                                  'server restarted)',
                                  HTTPStatus.NOT_FOUND) from None
        raise ClientError(f'no page {path}', HTTPStatus.NOT_FOUND)

    def _post(self) -> Any:
        body = self._json_body()
        service = self.server.service
        if self.path == '/api/pose':
            return dict(keypoints=service.pose_from_upload(
                body.get('image'), str(body.get('name') or 'upload')))
        if self.path == '/api/generate':
            job = self.server.jobs.submit(service.request(body))
            return dict(job=job.id)
        raise ClientError(f'no API {self.path}', HTTPStatus.NOT_FOUND)

    def _static(self, name: str) -> tuple[bytes, str]:
        files = {p.name: p for p in STATIC.iterdir() if p.is_file()}
        if name not in files:
            raise ClientError(f'no file {name}', HTTPStatus.NOT_FOUND)
        kind = mimetypes.guess_type(name)[0] or 'application/octet-stream'
        return files[name].read_bytes(), kind

    def _json_body(self) -> dict:
        length = int(self.headers.get('Content-Length') or 0)
        if length > MAX_BODY_BYTES:
            raise ClientError(f'the upload is too large ({length / 2**20:.0f}'
                              f' MiB; at most {MAX_BODY_BYTES // 2**20} MiB)',
                              HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        try:
            body = json.loads(self.rfile.read(length) or b'{}')
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ClientError('the request is not valid JSON') from None
        if not isinstance(body, dict):
            raise ClientError('expected a JSON object')
        return body

    def _answer(self, route) -> None:
        try:
            answer = route()
            status = HTTPStatus.OK
        except ClientError as error:
            answer, status = dict(error=one_line(error)), error.status
        except ValueError as error:  # the user's input, said in one line
            answer, status = dict(error=one_line(error)), \
                HTTPStatus.BAD_REQUEST
        except Exception as error:
            logger.exception('%s %s failed', self.command, self.path)
            answer, status = dict(error=one_line(error)), \
                HTTPStatus.INTERNAL_SERVER_ERROR
        if isinstance(answer, tuple):
            data, kind = answer
        else:
            data, kind = json.dumps(answer).encode(), 'application/json'
        self.send_response(status)
        self.send_header('Content-Type', kind or 'application/octet-stream')
        self.send_header('Content-Length', str(len(data)))
        self.send_header('Cache-Control', 'no-store')
        self.end_headers()
        self.wfile.write(data)
