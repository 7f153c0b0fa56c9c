"""The images HumanSD's FID scores: its 4-panel strips and its real set.

HumanSD (Ju et al. 2023) scores image quality in two scripts, read at
commit c5db29dd. ``scripts/pose2img_metrics.py`` saves every output as a
strip of four panels side by side, written with ``cv2.imwrite`` to the
image's ``.jpg`` path:

1. the generated image (converted to BGR first, so the file is in true
   colours);
2. the pose panel, 3. the caption panel, 4. the original image: RGB arrays
   handed to ``cv2.imwrite`` as they are, so red and blue are swapped in
   the file.

``utils/metrics/evalute_metrics_of_each_category.py`` then reads each strip
back whole (PIL), resizes it to 299x299 (PIL's default bicubic; the strip
is four times wider than high, so it is squashed), divides by 255 and
ImageNet-normalises it; the real images (``Resize(299)``,
``CenterCrop(299)``, ``ToTensor``, ImageNet normalisation) are the
Human-Art images of each scene. Both go to torchmetrics'
``FrechetInceptionDistance(feature=64, normalize=True)``, whose
``normalize`` converts ``(x * 255).byte()``: the ImageNet-normalised
values (about -540 .. 673 after the product) are truncated and wrap modulo
256. FID is computed per scene on 64-dimensional features (the first
pooling layer of the FID Inception; :mod:`.inception`). HumanSD's issue #32
reports that the first panel alone scores far lower.

What is exact here and what is not (docs/reposesd.md):

- the caption panel (:func:`caption_panel`): DejaVu Sans at a twenty-fifth
  of the panel width, wrapped every ``int(20 * H / 256)`` characters, drawn
  at (30, 30), with HumanSD's float round trip. HumanSD appends a line of
  the batch's pose scores under the caption; ``scores`` takes that line,
  left empty by default;
- the pose panel (:func:`humansd_pose_image`): the skeleton drawing of
  HumanSD's data loader (``ldm/data/humansd.py``: its 16 limbs in
  seaborn's ``hls`` palette, width 10, joint discs). The generation script
  calls a ``model.pose_model`` the released model does not have, so the
  loader's drawing is the nearest established one;
- the original panel is the evaluated target image. HumanSD's validation
  loader augments at random (flips, rotation, colour jitter, random crop),
  which cannot be replicated.
"""
from __future__ import annotations

import colorsys
import io
import os.path as osp

import cv2
import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFont
from torchvision import transforms

from .inception import IMAGENET_MEAN, IMAGENET_STD

#: ``pose_skeleton`` of HumanSD's ``configs/humansd/humansd-finetune.yaml``:
#: COCO-17 limbs (joint a, joint b), each with its palette colour.
HUMANSD_LIMBS = ((0, 1), (0, 2), (1, 3), (2, 4), (3, 5), (4, 6), (5, 7),
                 (6, 8), (7, 9), (8, 10), (5, 11), (6, 12), (11, 13),
                 (12, 14), (13, 15), (14, 16))
SKELETON_WIDTH = 10
KEYPOINT_THRESHOLD = 0.02
MAX_PEOPLE = 10
FID_SIZE = 299
#: cv2's default JPEG quality, which ``cv2.imwrite`` of a ``.jpg`` uses.
CV2_JPEG_QUALITY = 95
DEFAULT_FONT = 'DejaVuSans.ttf'


def hls_palette(num: int, h: float = 0.01, lightness: float = 0.6,
                saturation: float = 0.65) -> list[tuple[float, float, float]]:
    """seaborn's ``color_palette('hls', num)``: ``num`` hues evenly spaced
    from ``h``, RGB in [0, 1]."""
    hues = (np.linspace(0, 1, num + 1)[:-1] + h) % 1
    return [colorsys.hls_to_rgb(hue, lightness, saturation) for hue in hues]


#: Each limb's colour as HumanSD's loader draws it (bytes, RGB).
LIMB_COLOURS = [tuple(int(255 * c) for c in rgb)
                for rgb in hls_palette(len(HUMANSD_LIMBS))]


def humansd_pose_image(people: np.ndarray, size: int) -> np.ndarray:
    """The skeleton image HumanSD's loader draws: ``people`` ``(P, 17, 3)``
    COCO-17 (x, y, score) in the image frame, missing keypoints at -1; a
    limb is drawn when both its joints score above 0.02. ``(size, size, 3)``
    uint8 RGB."""
    people = np.asarray(people, np.float64)
    if people.ndim != 3 or people.shape[1:] != (17, 3):
        raise ValueError(f'people must be (P, 17, 3) COCO-17 keypoints, got '
                         f'{people.shape}')
    canvas = np.zeros((size, size, 3))
    for person in people[:MAX_PEOPLE]:
        if person.sum() <= 0:
            continue
        for (a, b), colour in zip(HUMANSD_LIMBS, LIMB_COLOURS):
            ends = person[[a, b]]
            if (ends[:, :2].astype(int) == -1).any() or \
                    (ends[:, 2] <= KEYPOINT_THRESHOLD).any():
                continue
            (xa, ya), (xb, yb) = ends[:, :2].astype(int).tolist()
            cv2.line(canvas, (xa, ya), (xb, yb), colour, SKELETON_WIDTH)
            for centre in ((xa, ya), (xb, yb)):
                cv2.circle(canvas, centre, SKELETON_WIDTH // 2, colour, -1)
    return canvas.astype(np.uint8)


def load_caption_font(size: int, font: str = DEFAULT_FONT
                      ) -> ImageFont.FreeTypeFont:
    """The caption font (a file path, or a name PIL finds in the system's
    font folders); a clear error when it is missing."""
    try:
        return ImageFont.truetype(font, size=size)
    except OSError:
        raise FileNotFoundError(
            f'caption font {font!r} not found: HumanSD draws its captions in '
            'DejaVu Sans; install it (Debian/Ubuntu: fonts-dejavu-core) or '
            'pass the path of DejaVuSans.ttf as the metric\'s font') from None


def caption_panel(prompt: str, size: tuple[int, int], scores: str = '',
                  font: str = DEFAULT_FONT) -> np.ndarray:
    """HumanSD's caption panel (``log_txt_as_img`` of its generation script)
    for a ``size`` = ``(H, W)`` image: ``prompt + '\\n' + scores`` cut
    every ``int(20 * H / 256)`` characters, in a ``W // 25`` font, black on
    white, ``(W, H, 3)`` uint8 (HumanSD passes the image's (H, W) as PIL's
    (width, height); its images are square)."""
    h, w = size
    text = prompt + '\n' + scores
    per_line = int(20 * (h / 256))
    lines = '\n'.join(text[i:i + per_line]
                      for i in range(0, len(text), per_line))
    panel = Image.new('RGB', (h, w), color='white')
    ImageDraw.Draw(panel).text((30, 30), lines, fill='black',
                               font=load_caption_font(w // 25, font))
    # its round trip through [-1, 1] in float64, truncated back to bytes
    signed = np.asarray(panel, np.float64) / 127.5 - 1.0
    return (signed * 127.5 + 127.5).clip(0, 255).astype(np.uint8)


def humansd_strip(generated: np.ndarray, pose: np.ndarray,
                  caption: np.ndarray, original: np.ndarray) -> np.ndarray:
    """The strip as HumanSD's file holds it (module doc): four uint8 RGB
    panels side by side, red and blue swapped in all but the first, then
    JPEG-encoded by OpenCV (quality 95) and decoded by PIL, as its quality
    script reads it back."""
    panels = [generated, pose, caption, original]
    heights = {p.shape[0] for p in panels}
    if len(heights) != 1 or any(p.ndim != 3 or p.shape[2] != 3
                                for p in panels):
        raise ValueError('the four panels must be (H, W, 3) images of one '
                         f'height, got {[p.shape for p in panels]}')
    in_file = np.concatenate([generated] + [p[..., ::-1] for p in panels[1:]],
                             axis=1)
    ok, jpeg = cv2.imencode('.jpg', np.ascontiguousarray(in_file[..., ::-1]),
                            [cv2.IMWRITE_JPEG_QUALITY, CV2_JPEG_QUALITY])
    if not ok:
        raise RuntimeError('OpenCV could not JPEG-encode the strip')
    return np.asarray(Image.open(io.BytesIO(jpeg.tobytes())).convert('RGB'))


def _imagenet_bytes(unit: torch.Tensor) -> torch.Tensor:
    """ImageNet normalisation, then torchmetrics' ``normalize=True``
    conversion ``(x * 255).byte()`` (truncation, wrapping modulo 256)."""
    normalised = transforms.Normalize(IMAGENET_MEAN, IMAGENET_STD)(unit)
    return (normalised * 255).byte()


def strip_fid_input(strip: np.ndarray) -> torch.Tensor:
    """A strip as HumanSD's quality script feeds it to the FID: resized whole
    to 299x299 (bicubic), ``(3, 299, 299)`` uint8."""
    squashed = Image.fromarray(strip).resize((FID_SIZE, FID_SIZE),
                                             Image.Resampling.BICUBIC)
    unit = torch.from_numpy(np.array(squashed)).permute(2, 0, 1) / 255
    return _imagenet_bytes(unit)


_REAL_TRANSFORM = transforms.Compose([
    transforms.Resize(FID_SIZE), transforms.CenterCrop(FID_SIZE),
    transforms.ToTensor()])


def real_fid_input(path: str) -> torch.Tensor:
    """A real image file as HumanSD's quality script feeds it to the FID
    (``Resize(299)``, ``CenterCrop(299)``), ``(3, 299, 299)`` uint8."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'real image not found: {path}')
    try:
        image = Image.open(path).convert('RGB')
    except OSError as err:
        raise OSError(f'cannot read real image {path}: {err}') from None
    return _imagenet_bytes(_REAL_TRANSFORM(image))


def scene_of(path: str) -> str:
    """HumanSD's scene of a Human-Art image: its parent folder's name."""
    return osp.basename(osp.dirname(path))
