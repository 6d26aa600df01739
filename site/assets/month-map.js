// The map page's time control: a range input over every month, play/pause and step buttons,
// the month's national counts and a council finder, driving both maps on the page.
//
// A small script of our own rather than Vega-Lite bindings or Observable JS: one control must
// drive two charts (a Vega-Lite binding belongs to one chart), the month must be read from and
// written to the address (?month=2016-03), and the counts and the council finder are plain
// HTML that must read well before any script runs. Observable JS would bring its runtime
// (from a CDN unless vendored) for what a few dozen lines do here. Each map's spec has two
// params with no binding, `as_at` (the month's day) and `grades` (each council's grade that
// month); this script sets them on the charts' views (`view.signal(...).runAsync()`).
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];
const PLAY_MS = 800;

const section = document.getElementById("month-control");
const data = JSON.parse(document.getElementById("map-months").textContent);
const slider = document.getElementById("month-slider");
const playButton = document.querySelector(".orc-month-play");
const announce = document.getElementById("month-announce");
const nowText = document.querySelector(".orc-month-now");
const caption = document.querySelector(".orc-month-caption");
const countsBody = document.querySelector(".orc-month-counts tbody");
const countsTotal = document.querySelector(".orc-month-counts tfoot td");
const pickInput = document.getElementById("council-pick");
const historyBox = document.getElementById("council-history");
const root = section.dataset.root || "";
const last = data.months.length - 1;

// "2016-03" -> "March 2016"; "2016-03-14" -> "14 March 2016"
const monthText = (m) => `${MONTHS[Number(m.slice(5, 7)) - 1]} ${m.slice(0, 4)}`;
const dayText = (d) => `${Number(d.slice(8, 10))} ${monthText(d)}`;
// whole percent, halves up: the same integer arithmetic as the page's build (maps.percent)
const percent = (n, total) => `${Math.floor((200 * n + total) / (2 * total))}%`;

// Each council's state in month i: the last change at or before i.
function stateOf(changes, i) {
  let found = null;
  for (const c of changes) {
    if (c[0] > i) break;
    found = c;
  }
  return found;
}

function gradesOf(i) {
  const out = {};
  for (const [code, , , changes] of data.councils) {
    const s = stateOf(changes, i);
    if (s && s[1] >= 0) out[code] = [s[1], s[2]];
  }
  return out;
}

// The views of the maps on the page (each chart's promise from the chart runtime, charts.js).
const views = [...document.querySelectorAll(".orc-vega")]
  .filter((el) => el.orcEmbed)
  .map((el) => el.orcEmbed.then((r) => r.view).catch(() => null));

let current = last;
let picked = "";
let state = null; // the month shown: { day, grades }

// Each map gets the current state as soon as it is drawn: a map further down the page is drawn
// only when the reader scrolls near it (charts.js), and then shows the month already chosen.
const apply = (v) =>
  v && v.signal("as_at", state.day).signal("grades", state.grades).signal("pick", picked).runAsync();

function draw(i) {
  state = { day: data.days[i], grades: gradesOf(i) };
  return Promise.all(views.map((p) => p.then(apply)));
}

function writeCounts(i) {
  const row = data.counts[i];
  const total = row[row.length - 1];
  const cells = countsBody.querySelectorAll("tr");
  data.labels.forEach((label, k) => {
    const tds = cells[k].querySelectorAll("td");
    tds[0].textContent = String(row[k]);
    tds[1].textContent = percent(row[k], total);
  });
  countsTotal.textContent = String(total);
}

function writeUrl(i) {
  const url = new URL(window.location.href);
  url.searchParams.set("month", data.months[i]);
  window.history.replaceState(window.history.state, "", url);
}

function show(i, { url = true, speak = true } = {}) {
  current = Math.max(0, Math.min(last, i));
  const text = monthText(data.months[current]);
  slider.value = String(current);
  slider.setAttribute("aria-valuetext", text);
  nowText.textContent = text;
  caption.textContent = text;
  writeCounts(current);
  if (speak) announce.textContent = `Maps show ${text}`;
  if (url) writeUrl(current);
  section.dataset.month = data.months[current];
  return draw(current);
}

// Playing: one month per step; stops at the last month.
let timer = null;
function stop() {
  if (timer !== null) window.clearInterval(timer);
  timer = null;
  playButton.textContent = "Play";
  playButton.setAttribute("aria-pressed", "false");
}
function play() {
  if (current >= last) show(0);
  playButton.textContent = "Pause";
  playButton.setAttribute("aria-pressed", "true");
  timer = window.setInterval(() => {
    if (current >= last) return stop();
    show(current + 1, { speak: false });
  }, PLAY_MS);
}

slider.addEventListener("input", () => show(Number(slider.value)));
playButton.addEventListener("click", () => (timer === null ? play() : stop()));
for (const button of document.querySelectorAll(".orc-month-bar [data-step]")) {
  button.addEventListener("click", () => {
    stop();
    show(current + Number(button.dataset.step));
  });
}

// The council finder: a name from the list shows its grades over time and outlines it.
function historyHtml(council) {
  const [, name, slug, changes] = council;
  const items = [];
  let seen = null;
  let existed = false;
  for (const [i, g, published] of changes) {
    if (g < 0) {
      if (existed) items.push(`<li>From ${monthText(data.months[i])}: no longer a council</li>`);
    } else if (published && published !== seen) {
      items.push(`<li>${dayText(published)}: ${data.labels[g]}</li>`);
      seen = published;
    }
    existed = g >= 0;
  }
  const list = items.length
    ? `<ol class="orc-month-history">${items.join("")}</ol>`
    : `<p>No full inspection since ${monthText(data.months[0])}.</p>`;
  const link = slug ? `<p><a href="${root}councils/${slug}.html">${name}: the council's page</a></p>` : "";
  const h = document.createElement("div");
  h.innerHTML = `<p class="orc-month-history-title"><strong>${name}</strong>: overall grade at each inspection report</p>${list}${link}`;
  return h;
}

const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const byName = new Map(data.councils.map((c) => [c[1].toLowerCase(),
  [c[0], escapeHtml(c[1]), c[2], c[3]]]));

function pick() {
  const council = byName.get(pickInput.value.trim().toLowerCase());
  const code = council ? council[0] : "";
  if (code === picked) return;
  picked = code;
  historyBox.replaceChildren(...(council ? [historyHtml(council)] : []));
  section.dataset.council = code;
  draw(current);
}
pickInput.addEventListener("input", pick);
pickInput.addEventListener("change", pick);

// The bar sticks just under the site's header while the header shows (Quarto fixes it at the
// top on wide screens and slides it away on scroll), else at the top of the screen.
const bar = document.querySelector(".orc-month-bar");
const header = document.getElementById("quarto-header");
function placeBar() {
  const fixed = header && ["fixed", "sticky"].includes(getComputedStyle(header).position);
  bar.style.top = `${fixed ? Math.max(0, Math.round(header.getBoundingClientRect().bottom)) : 0}px`;
}
if (header) {
  // again once the header has finished sliding in or out
  const soon = () => {
    placeBar();
    window.setTimeout(placeBar, 400);
  };
  window.addEventListener("scroll", soon, { passive: true });
  window.addEventListener("resize", soon);
  header.addEventListener("transitionend", placeBar);
  placeBar();
}

// ?month=2016-03 restores the month; anything else shows the latest.
const asked = new URLSearchParams(window.location.search).get("month");
const start = asked ? data.months.indexOf(asked) : -1;
show(start >= 0 ? start : last, { url: false, speak: false });
// Ready once the first map (in view on load) shows the month; the other follows when drawn.
(views[0] || Promise.resolve(null)).then(apply).then(() => {
  section.dataset.ready = "true";
});
