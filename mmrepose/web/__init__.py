"""The pose-transfer web page (``demo/web_demo.py``, ``make web``)."""
from .job_queue import Job, JobQueue
from .pose_transfer_service import Example, PoseTransferService
from .server import WebDemoServer

__all__ = ['Example', 'Job', 'JobQueue', 'PoseTransferService',
           'WebDemoServer']
