// Loads the app: downloads the .wasm with a progress bar (from this page's own origin), then
// starts it. The app draws into <canvas id="armtutor"> and follows its size.
import init from "./armtutor.js";

const fill = document.getElementById("fill");
const status = document.getElementById("status");
const error = document.getElementById("error");

async function download(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const total = Number(response.headers.get("Content-Length")) || 0;
  if (!response.body || !total) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const bytes = new Uint8Array(total);
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes.set(value, received);
    received += value.length;
    fill.style.width = `${Math.round((100 * received) / total)}%`;
    status.textContent = `Loading… ${(received / 1e6).toFixed(1)} / ${(total / 1e6).toFixed(1)} MB`;
  }
  return bytes;
}

// A panic in the app traps the module (the web build has panic = "abort"): the canvas would
// freeze without a word, so the overlay comes back and says what happened.
window.addEventListener("error", (e) => {
  if (!(e.error instanceof WebAssembly.RuntimeError)) return;
  document.getElementById("loading").style.display = "";
  status.textContent = "armtutor stopped. Reload the page to start again.";
  error.textContent = `${e.message} (the browser console has the details)`;
});

try {
  const bytes = await download(new URL("./armtutor_bg.wasm", import.meta.url));
  status.textContent = "Starting…";
  fill.style.width = "100%";
  document.getElementById("armtutor").focus();
  // Hide the overlay once the app is running; winit may leave init() by an exception it
  // uses for control flow, which is not an error.
  requestAnimationFrame(() => requestAnimationFrame(() => {
    document.getElementById("loading").style.display = "none";
  }));
  await init({ module_or_path: bytes }).catch((e) => {
    if (!String(e).includes("Using exceptions for control flow")) throw e;
  });
} catch (e) {
  status.textContent = "armtutor could not start.";
  error.textContent = String(e);
  console.error(e);
}
