// Remote frame buffer client: draws the JPEG frames the server renders and sends input back.
// Frame message: u32 LE header length, JSON header, JPEG bytes. Every drawn frame is acknowledged.
"use strict";
(function () {
  const canvas = document.getElementById("frame");
  const statusBox = document.getElementById("status");
  const ctx = canvas.getContext("2d");
  // Counters read by tests and bench/web.py: bytes received, input → frame latency (ms) of the newest input
  // event each frame applied (the server numbers the events it took in input_seq; this page counts what it sent),
  // and how many frames re-rendered the 3D/2D views (the others only redrew the UI over the cached scene).
  const state = { connected: false, framesDrawn: 0, framesFailed: 0, sceneFrames: 0, lastHeader: null, status: "connecting",
                  reconnects: 0, bytesReceived: 0, inputsSent: 0, latencies: [], renderMs: [] };
  const sendTimes = new Map();
  window.rerunWeb = state;
  let socket = null;
  let frameSize = [0, 0];
  let drawing = Promise.resolve();

  function showStatus(text) {
    state.status = text;
    statusBox.textContent = text;
    statusBox.classList.toggle("hidden", text === "");
  }

  function send(obj) {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify(obj));
    if (obj.type === "ack") return;
    state.inputsSent += 1;
    sendTimes.set(state.inputsSent, performance.now());
    sendTimes.delete(state.inputsSent - 2000);
  }

  function sendResize() {
    send({ type: "resize", width: window.innerWidth, height: window.innerHeight, ratio: window.devicePixelRatio });
  }

  function modifiers(e) {
    const m = [];
    if (e.altKey) m.push("Alt");
    if (e.ctrlKey) m.push("Control");
    if (e.metaKey) m.push("Meta");
    if (e.shiftKey) m.push("Shift");
    return m;
  }

  // Page (CSS) pixels → frame pixels (the frame is stretched over the whole page).
  function framePos(e) {
    const r = canvas.getBoundingClientRect();
    const w = frameSize[0] || r.width, h = frameSize[1] || r.height;
    return [(e.clientX - r.left) * w / r.width, (e.clientY - r.top) * h / r.height];
  }

  async function drawFrame(data) {
    state.bytesReceived += data.byteLength;
    const view = new DataView(data);
    const headerLength = view.getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(new Uint8Array(data, 4, headerLength)));
    const blob = new Blob([new Uint8Array(data, 4 + headerLength)], { type: "image/jpeg" });
    let bitmap;
    try {
      bitmap = await createImageBitmap(blob);
    } catch (err) {
      // Acknowledged all the same: a frame never acknowledged would hold this page's place for ever (the server sends
      // a page nothing while its frames are unacknowledged), and the next frame shows the same view, newer.
      console.error("frame", header.index, "could not be decoded:", err);
      state.framesFailed += 1;
      send({ type: "ack", index: header.index });
      return;
    }
    if (canvas.width !== header.width || canvas.height !== header.height) {
      canvas.width = header.width;
      canvas.height = header.height;
    }
    frameSize = [header.width, header.height];
    ctx.drawImage(bitmap, 0, 0);
    bitmap.close();
    state.framesDrawn += 1;
    if (header.scene) state.sceneFrames += 1;
    state.renderMs.push(header.render_ms);
    if (state.renderMs.length > 10000) state.renderMs.shift();
    const sentAt = sendTimes.get(header.input_seq);
    if (sentAt !== undefined && (!state.lastHeader || header.input_seq > state.lastHeader.input_seq)) {
      state.latencies.push(performance.now() - sentAt);
      if (state.latencies.length > 10000) state.latencies.shift();
    }
    state.lastHeader = header;
    send({ type: "ack", index: header.index });
  }

  function connect() {
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
    socket = new WebSocket(url);
    socket.binaryType = "arraybuffer";
    socket.onopen = () => {
      state.connected = true;
      state.inputsSent = 0;  // the server numbers each connection's input from 1
      sendTimes.clear();
      showStatus("");
      sendResize();
    };
    socket.onmessage = (event) => {
      if (typeof event.data === "string") return;  // no text messages from the server yet
      drawing = drawing.then(() => drawFrame(event.data)).catch((err) => console.error("frame", err));
    };
    socket.onclose = () => {
      const wasConnected = state.connected;
      state.connected = false;
      socket = null;
      showStatus("disconnected — retrying");
      if (wasConnected) state.reconnects += 1;
      setTimeout(connect, 1000);
    };
  }

  canvas.addEventListener("pointerdown", (e) => {
    canvas.focus();
    canvas.setPointerCapture(e.pointerId);
    const [x, y] = framePos(e);
    send({ type: "pointer_down", x, y, button: [1, 3, 2][e.button] || 1, modifiers: modifiers(e) });
    e.preventDefault();
  });
  canvas.addEventListener("pointermove", (e) => {
    const [x, y] = framePos(e);
    send({ type: "pointer_move", x, y, button: 0, modifiers: modifiers(e) });
  });
  canvas.addEventListener("pointerup", (e) => {
    const [x, y] = framePos(e);
    send({ type: "pointer_up", x, y, button: [1, 3, 2][e.button] || 1, modifiers: modifiers(e) });
  });
  canvas.addEventListener("dblclick", (e) => {
    const [x, y] = framePos(e);
    send({ type: "double_click", x, y, button: 1, modifiers: modifiers(e) });
  });
  canvas.addEventListener("wheel", (e) => {
    const [x, y] = framePos(e);
    const scale = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
    send({ type: "wheel", x, y, dx: e.deltaX * scale, dy: e.deltaY * scale, modifiers: modifiers(e) });
    e.preventDefault();
  }, { passive: false });
  canvas.addEventListener("contextmenu", (e) => e.preventDefault());
  window.addEventListener("keydown", (e) => {
    send({ type: "key_down", key: e.key, modifiers: modifiers(e) });
    if (e.key.length === 1 && !e.ctrlKey && !e.metaKey) send({ type: "char", data: e.key });
    if (e.key === "Tab" || e.key === "Backspace" || e.key === " " || e.key.startsWith("Arrow")) e.preventDefault();
  });
  window.addEventListener("keyup", (e) => send({ type: "key_up", key: e.key, modifiers: modifiers(e) }));
  window.addEventListener("resize", sendResize);

  connect();
})();
