// The pose-transfer page: choose a person, pose a skeleton, generate.
// Talks to the JSON API of mmrepose/web/server.py. Poses are 18 OpenPose
// [x, y] pairs in the server's pose frame, [-1, -1] for a missing joint.
'use strict';

const DISPLAY_HEIGHT = 384;  // canvas pixels for the pose frame's height
const PICK_RADIUS = 12;      // canvas pixels within which a joint is grabbed
const MISSING = -1;

const state = {
  info: null,
  keypoints: [],     // pose frame
  source: null,      // {example: NAME} or {image: DATA_URL, name}
  dragging: null,    // joint index
  scale: 1,          // canvas pixels per pose-frame pixel
};
const $ = (id) => document.getElementById(id);

function showError(message) {
  const box = $('error');
  box.textContent = message;
  box.hidden = !message;
}

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify(body),
  };
  let response;
  try {
    response = await fetch(path, options);
  } catch (err) {
    throw new Error('the server does not answer (is web_demo.py running?)');
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(data.error || `${path}: HTTP ${response.status}`);
  }
  return data;
}

function readFile(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(new Error(`cannot read ${file.name}`));
    reader.readAsDataURL(file);
  });
}

const present = (p) => p[0] !== MISSING && p[1] !== MISSING;

function drawPose() {
  const canvas = $('pose-canvas');
  const ctx = canvas.getContext('2d');
  const {limbs, colors} = state.info;
  const s = state.scale;
  const css = (c) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.lineWidth = 4;
  limbs.forEach(([a, b], i) => {
    const pa = state.keypoints[a], pb = state.keypoints[b];
    if (!present(pa) || !present(pb)) return;
    ctx.strokeStyle = css(colors[i]);
    ctx.beginPath();
    ctx.moveTo(pa[0] * s, pa[1] * s);
    ctx.lineTo(pb[0] * s, pb[1] * s);
    ctx.stroke();
  });
  state.keypoints.forEach((p, i) => {
    if (!present(p)) return;
    ctx.fillStyle = css(colors[i]);
    ctx.beginPath();
    ctx.arc(p[0] * s, p[1] * s, 6, 0, 2 * Math.PI);
    ctx.fill();
  });
  const missing = $('missing-joints');
  missing.replaceChildren();
  state.keypoints.forEach((p, i) => {
    if (present(p)) return;
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = `+ ${state.info.joints[i]}`;
    button.title = 'put this joint back in the middle';
    button.onclick = () => {
      const [h, w] = state.info.pose_frame;
      state.keypoints[i] = [w / 2, h / 2];
      drawPose();
    };
    missing.appendChild(button);
  });
}

function setPose(keypoints) {
  state.keypoints = keypoints.map((p) => [p[0], p[1]]);
  drawPose();
}

// the joint under a canvas point, or null
function jointAt(x, y) {
  let best = null, bestDistance = PICK_RADIUS;
  state.keypoints.forEach((p, i) => {
    if (!present(p)) return;
    const d = Math.hypot(p[0] * state.scale - x, p[1] * state.scale - y);
    if (d <= bestDistance) { best = i; bestDistance = d; }
  });
  return best;
}

// an event's point in canvas pixels (the canvas may be shown scaled)
function canvasPoint(event) {
  const canvas = $('pose-canvas');
  const rect = canvas.getBoundingClientRect();
  return [(event.clientX - rect.left) * canvas.width / rect.width,
          (event.clientY - rect.top) * canvas.height / rect.height];
}

function setUpCanvas() {
  const canvas = $('pose-canvas');
  const [h, w] = state.info.pose_frame;
  state.scale = DISPLAY_HEIGHT / h;
  canvas.height = DISPLAY_HEIGHT;
  canvas.width = Math.round(w * state.scale);
  canvas.addEventListener('pointerdown', (event) => {
    state.dragging = jointAt(...canvasPoint(event));
    if (state.dragging !== null) canvas.setPointerCapture(event.pointerId);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (state.dragging === null) return;
    const [x, y] = canvasPoint(event);
    const clamp = (v, hi) => Math.min(Math.max(v, 0), hi - 1);
    state.keypoints[state.dragging] = [clamp(x / state.scale, w),
                                       clamp(y / state.scale, h)];
    drawPose();
  });
  const drop = () => { state.dragging = null; };
  canvas.addEventListener('pointerup', drop);
  canvas.addEventListener('pointercancel', drop);
  canvas.addEventListener('dblclick', (event) => {
    const joint = jointAt(...canvasPoint(event));
    if (joint === null) return;
    state.keypoints[joint] = [MISSING, MISSING];
    drawPose();
  });
}

function fillSelect(select, values, labels) {
  values.forEach((value, i) => {
    const option = document.createElement('option');
    option.value = value;
    option.textContent = labels ? labels[i] : value;
    select.appendChild(option);
  });
}

function chooseExampleSource(name) {
  state.source = {example: name};
  $('source-preview').src = `/api/examples/${encodeURIComponent(name)}`;
}

function setUpInputs() {
  const {info} = state;
  const names = info.examples.map((e) => e.name);
  fillSelect($('source-example'), names);
  fillSelect($('pose-example'), names);
  $('source-example').onchange = (e) => chooseExampleSource(e.target.value);
  $('pose-example').onchange = (e) => {
    setPose(info.examples[e.target.selectedIndex].keypoints);
  };
  $('source-upload').onchange = async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    try {
      const url = await readFile(file);
      state.source = {image: url, name: file.name};
      $('source-preview').src = url;
      showError('');
    } catch (err) { showError(err.message); }
  };
  $('pose-upload').onchange = async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    setStatus(`reading the pose of ${file.name}...`);
    try {
      const data = await api('/api/pose',
                             {image: await readFile(file), name: file.name});
      setPose(data.keypoints);
      showError('');
      setStatus('pose read from ' + file.name);
    } catch (err) {
      showError(err.message);
      setStatus('ready');
    }
    e.target.value = '';
  };
  $('download-pose').onclick = () => {
    const json = JSON.stringify({layout: 'openpose18',
                                 image_size: info.pose_frame,
                                 keypoints: state.keypoints});
    const link = document.createElement('a');
    link.href = 'data:application/json;charset=utf-8,' +
        encodeURIComponent(json);
    link.download = 'mmrepose_pose.json';
    link.click();
  };
  fillSelect($('sampler'), info.samplers);
  const d = info.defaults;
  $('sampler').value = d.sampler;
  $('num-steps').value = d.num_steps;
  $('cfg-scale').value = d.cfg_scale;
  $('seed').value = d.seed;
  $('guidance-scale').value = info.has_pif ? d.guidance_scale : 0;
  $('guidance-scale').disabled = !info.has_pif;
  if (!info.has_pif) {
    $('guidance-scale').title = 'this model has no PIF guidance';
  }
  $('generate').onclick = generate;
}

function setStatus(text) { $('status').textContent = text; }

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function generate() {
  const button = $('generate');
  button.disabled = true;
  showError('');
  const sampling = {
    sampler: $('sampler').value,
    num_steps: Number($('num-steps').value),
    cfg_scale: Number($('cfg-scale').value),
    seed: Number($('seed').value),
  };
  if (state.info.has_pif) {
    sampling.guidance_scale = Number($('guidance-scale').value);
  }
  try {
    const {job} = await api('/api/generate', {
      source: state.source, target_keypoints: state.keypoints, sampling});
    for (;;) {
      const status = await api(`/api/jobs/${job}`);
      if (status.state === 'error') throw new Error(status.error);
      if (status.state === 'done') {
        showResult(status.result);
        setStatus('done');
        break;
      }
      $('progress').max = status.total || 1;
      $('progress').value = status.step;
      setStatus(status.state === 'queued' ? 'waiting for the model...' :
                `sampling: step ${status.step} of ${status.total || '?'}`);
      await sleep(200);
    }
  } catch (err) {
    showError(err.message);
    setStatus('ready');
  } finally {
    button.disabled = false;
  }
}

function showResult(result) {
  $('result').src = result.image;
  $('progress').value = $('progress').max;
  const link = $('download-result');
  link.href = result.image;
  link.hidden = false;
}

async function main() {
  try {
    state.info = await api('/api/info');
  } catch (err) {
    showError(err.message);
    return;
  }
  const {info} = state;
  $('model-note').textContent = info.model_note;
  setUpCanvas();
  setUpInputs();
  chooseExampleSource(info.examples[0].name);
  setPose(info.examples[Math.min(1, info.examples.length - 1)].keypoints);
  $('pose-example').selectedIndex = Math.min(1, info.examples.length - 1);
  setStatus('ready');
}

// for tests: where joint i is drawn, in canvas pixels
window.mmrepose = {
  state,
  jointCanvasPosition: (i) => state.keypoints[i].map((v) => v * state.scale),
};
main();
