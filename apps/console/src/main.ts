import { html } from 'htm/preact';
import { render } from 'preact';
import { App } from './app.js';
import './console.css';
import { siteOf, takeSession } from './session.js';

const token = takeSession(window.location, window.history, window.sessionStorage);
render(html`<${App} token=${token} siteNumber=${token ? siteOf(token) : undefined} />`, document.getElementById('console')!);
