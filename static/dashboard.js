// The dashboard's clocks, counting down in the browser between polls, and the poll's ETag.
//
// Progressive enhancement: the server renders every clock's time left and colour, correct
// when the page was made; without this script nothing else changes. With it:
// - each clock tag (data-deadline, ms since 1970) shows the time left as the server words it
//   (app/domain/timefmt.py: whole minutes, partial minutes dropped, so never more than is
//   left) and takes the server's colours at the same thresholds (the rows' data-amber-ms and
//   data-red-ms, from CLOCK_AMBER_HOURS and CLOCK_RED_HOURS);
// - "now" is the server's time when the rows were made (data-clock-now) plus the time since,
//   so a wrong clock on this computer changes nothing; of the two measures of the time since
//   (the monotonic clock, which may stop while the computer sleeps, and the wall clock) the
//   larger is taken, so the time left is never overstated;
// - the htmx poll sends the rows' ETag (If-None-Match), and a 304 Not Modified keeps the rows
//   as they are instead of swapping in an empty body;
// - a task group named in the address (back from its own page) is scrolled to once the task
//   list, which htmx fetches as the page loads, is in.
// Nothing here is a live region: the time left changes once a minute, silently.

const ROWS_ID = "case-rows";
const MINUTE = 60 * 1000;
let anchor = null;

function span(ms) {
  const minutes = Math.floor(ms / MINUTE);
  if (minutes < 1) return "less than 1 min";
  const days = Math.floor(minutes / (24 * 60));
  const hours = Math.floor((minutes % (24 * 60)) / 60);
  const rest = minutes % 60;
  const parts = [];
  if (days) parts.push(days === 1 ? "1 day" : `${days} days`);
  if (hours) parts.push(`${hours} h`);
  if (rest) parts.push(`${rest} min`);
  return parts.join(" ");
}

// As templates/cases/_clock.html words it: overdue at the deadline itself.
export function timeLeft(remaining) {
  return remaining <= 0 ? `Overdue by ${span(-remaining)}` : `${span(remaining)} left`;
}

export function status(remaining, amber, red) {
  if (remaining <= red) return "red";
  if (remaining <= amber) return "amber";
  return "green";
}

function anchorTo(rows) {
  const serverNow = Number(rows.dataset.clockNow);
  anchor = Number.isFinite(serverNow)
    ? { rows, serverNow, monotonic: performance.now(), wall: Date.now() }
    : null;
}

function serverNow() {
  const elapsed = Math.max(performance.now() - anchor.monotonic, Date.now() - anchor.wall, 0);
  return anchor.serverNow + elapsed;
}

function setStatus(element, prefix, value) {
  for (const name of ["green", "amber", "red"]) {
    element.classList.toggle(`${prefix}${name}`, name === value);
  }
}

function tick() {
  const rows = document.getElementById(ROWS_ID);
  if (!rows) return;
  if (!anchor || anchor.rows !== rows) anchorTo(rows);
  if (!anchor) return;
  const now = serverNow();
  const amber = Number(rows.dataset.amberMs);
  const red = Number(rows.dataset.redMs);
  rows.querySelectorAll(".app-clock[data-deadline]").forEach((tag) => {
    const remaining = Number(tag.dataset.deadline) - now;
    const text = timeLeft(remaining);
    if (tag.textContent !== text) tag.textContent = text;
    const grade = status(remaining, amber, red);
    const cell = tag.closest("td");
    if (cell && cell.dataset.clockStatus === grade) return;
    setStatus(tag, "app-clock--", grade);
    if (cell) cell.dataset.clockStatus = grade;
    const row = tag.closest("tr");
    if (row) setStatus(row, "app-row--", grade);
  });
}

document.addEventListener("htmx:configRequest", (event) => {
  const rows = event.detail.elt;
  if (rows.id === ROWS_ID && rows.dataset.etag) event.detail.headers["If-None-Match"] = rows.dataset.etag;
});

document.addEventListener("htmx:beforeSwap", (event) => {
  // htmx would swap a 304's empty body in (its default handling swaps every 2xx and 3xx).
  if (event.detail.xhr.status === 304) event.detail.shouldSwap = false;
});

document.addEventListener("htmx:afterSettle", tick);

// Back from a task group's own page (/dashboard#referral-tasks, say): the group arrives with
// the task list, after the browser looked for it, so it is scrolled to once it is there.
let scrolledToGroup = false;
document.addEventListener("htmx:afterSettle", () => {
  if (scrolledToGroup || !location.hash) return;
  const group = document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (group && group.closest("#tasks")) {
    scrolledToGroup = true;
    group.scrollIntoView();
  }
});
tick();
setInterval(tick, 1000);
