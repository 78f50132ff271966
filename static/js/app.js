// Progressive enhancement only: every page works without this.
if (window.DS && typeof window.DS.initAll === 'function') window.DS.initAll();

// Live results: the server pushes the new results after each recount (Server-Sent Events);
// without JavaScript the page has a link to refresh it.
const live = document.getElementById('live-results');
if (live && live.dataset.events && 'EventSource' in window) {
  const status = document.getElementById('live-status');
  const source = new EventSource(live.dataset.events);
  source.addEventListener('message', (event) => {
    live.innerHTML = event.data;
    if (status) status.textContent = `Results updated at ${new Date().toLocaleTimeString('en-GB')}.`;
  });
}
