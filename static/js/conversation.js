// Conversations, progressive enhancement only: every page works without this.

// Keyboard shortcuts on the statement form: A agrees, D disagrees, P passes. Announced on
// the page, and with a button to turn them off (WCAG 2.1.4), remembered in this browser.
const form = document.getElementById('vote-form');
const panel = document.getElementById('shortcuts');
if (form && panel) {
  const toggle = document.getElementById('shortcuts-toggle');
  const text = document.getElementById('shortcuts-text');
  let on = localStorage.getItem('coproduce-shortcuts') !== 'off';
  const show = () => {
    text.textContent = on
      ? 'Keyboard shortcuts: press A to agree, D to disagree or P to pass.'
      : 'Keyboard shortcuts are off.';
    toggle.textContent = on ? 'Turn keyboard shortcuts off' : 'Turn keyboard shortcuts on';
    for (const button of form.querySelectorAll('button[data-key]')) {
      if (on) button.setAttribute('aria-keyshortcuts', button.dataset.key);
      else button.removeAttribute('aria-keyshortcuts');
    }
  };
  panel.hidden = false;
  show();
  toggle.addEventListener('click', () => {
    on = !on;
    localStorage.setItem('coproduce-shortcuts', on ? 'on' : 'off');
    show();
  });
  document.addEventListener('keydown', (event) => {
    if (!on || event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    const target = event.target;
    if (target instanceof HTMLElement && target.closest('input, textarea, select, [contenteditable]')) return;
    const button = form.querySelector(`button[data-key="${event.key.toLowerCase()}"]`);
    if (!button) return;
    event.preventDefault();
    form.requestSubmit(button);
  });
}

// The live map and report: the server sends the map's version after each change, and the
// page fetches its own fragment (the map marks the viewer, so one broadcast cannot carry it).
for (const live of document.querySelectorAll('[data-fragment][data-events]')) {
  if (!('EventSource' in window)) break;
  const status = document.getElementById('live-status');
  let latest = live.dataset.version;
  let fetching = false;
  const refresh = async () => {
    if (fetching) return;
    fetching = true;
    try {
      while (latest !== live.dataset.version) {
        const wanted = latest;
        const response = await fetch(live.dataset.fragment, { credentials: 'same-origin' });
        if (!response.ok) break;
        live.innerHTML = await response.text();
        live.dataset.version = wanted;
        if (status) status.textContent = `Updated at ${new Date().toLocaleTimeString('en-GB')}.`;
      }
    } finally {
      fetching = false;
    }
  };
  new EventSource(live.dataset.events).addEventListener('message', (event) => {
    latest = event.data;
    refresh();
  });
}
