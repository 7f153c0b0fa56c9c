"""Pose-transfer web page: pose a skeleton by hand, pick a person, render.

    python demo/web_demo.py [--config CONFIG --checkpoint CKPT]
        [--device cpu|cuda] [--host 127.0.0.1] [--port 7860]

Serves a page (``make web``) on which you choose a source person (the
bundled examples of ``demo/examples`` or an upload), set the target pose by
dragging the 18 joints of a skeleton, by picking the pose of an example, or
from an uploaded pose image or driving photo, choose sampler, steps, CFG,
PIF guidance scale and seed, and watch the result render. With no arguments
it runs the embedded default model on the CPU. It listens on 127.0.0.1
only, unless ``--host`` says otherwise; ``--port 0`` takes a free port.
The page and its API are ``mmrepose/web``; docs/web_demo.md.
"""
from __future__ import annotations

import argparse
import glob
import logging
import os.path as osp
import sys
from pathlib import Path

from mmrepose.apis import CheckpointMismatchError, PoseTransferInferencer
from mmrepose.models.pose_estimators import PoseEstimatorCheckpointError
from mmrepose.web import Example, PoseTransferService, WebDemoServer

EXAMPLES = Path(__file__).resolve().parent / 'examples'
EMBEDDED_NOTE = ('Embedded default model (B1, trained on SynthFashion at '
                 '64x44): it knows SynthFashion\'s synthetic people only. A '
                 'photo of a real person needs weights trained on real data '
                 '(--config / --checkpoint).')


def bundled_examples(folder: Path = EXAMPLES) -> list[Example]:
    """Each example image with its pose: ``source.jpg`` with
    ``source_pose.json``, ``target_gt_2.jpg`` with ``target_pose_2.json``."""
    examples = [Example('source', folder / 'source.jpg',
                        folder / 'source_pose.json')]
    for pose in sorted(glob.glob(str(folder / 'target_pose*.json'))):
        image = Path(pose.replace('target_pose', 'target_gt')[:-5] + '.jpg')
        name = image.stem.replace('target_gt', 'person')
        examples.append(Example(name, image, Path(pose)))
    return [e for e in examples if e.image.is_file() and e.pose.is_file()]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--config', help='model config (default: embedded model)')
    p.add_argument('--checkpoint', help='checkpoint (default: embedded model)')
    p.add_argument('--device', default='cpu', help="'cpu' or 'cuda'")
    p.add_argument('--host', default='127.0.0.1',
                   help='address to listen on (default: this machine only)')
    p.add_argument('--port', type=int, default=7860,
                   help='port (0: any free one)')
    return p.parse_args(argv)


def build_server(args: argparse.Namespace) -> WebDemoServer:
    """The server for ``args`` (model loaded, port bound); exits with one
    line when the model or the port cannot be had."""
    try:
        inferencer = PoseTransferInferencer(args.config, args.checkpoint,
                                            device=args.device)
    except (FileNotFoundError, CheckpointMismatchError,
            PoseEstimatorCheckpointError, ValueError) as exc:
        sys.exit(f'error: {exc}')
    note = EMBEDDED_NOTE if args.config is None else \
        f'Model: {osp.basename(args.config)}'
    service = PoseTransferService(inferencer, bundled_examples(), note)
    try:
        return WebDemoServer(service, args.host, args.port)
    except OSError as exc:
        sys.exit(f'error: cannot listen on {args.host}:{args.port}: '
                 f'{exc.strerror or exc} (try --port 0 for a free port)')


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING,
                        format='%(asctime)s %(levelname)s %(message)s')
    server = build_server(args)
    print(f'mmrepose web demo: {server.url}  (Ctrl+C to stop)', flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == '__main__':
    main()
