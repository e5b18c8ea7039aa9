import { html } from 'htm/preact';
import { render } from 'preact';
import { App } from './app.js';
import './console.css';
import { siteOf, takeSession } from './session.js';

const token = takeSession(window.location, window.history, window.sessionStorage);
render(html`<${App} token=${token} siteNumber=${token ? siteOf(token) : undefined} />`, document.getElementById('console')!);

// A platform that reuses its frame or tab for another session link changes only the fragment, which reloads nothing:
// take the new session and start again, so the console never goes on showing the previous session's site.
window.addEventListener('hashchange', () => {
  if (!new URLSearchParams(window.location.hash.slice(1)).has('session')) return;
  takeSession(window.location, window.history, window.sessionStorage);
  window.location.reload();
});
