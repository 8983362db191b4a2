import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { resolveApi } from './api/client.ts';
import { App } from './App.tsx';
import './styles/tokens.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/views.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// Chooses the Electron preload or the loopback HTTP bridge (and takes the bridge token out of the address bar).
const { api } = resolveApi();

createRoot(root).render(
  <StrictMode>
    <App api={api} />
  </StrictMode>,
);
