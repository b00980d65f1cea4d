import { createRoot } from 'react-dom/client';
import { SandboxGraph } from './graph-client';
import { OutlookApp } from './outlook-app';

const root = document.getElementById('root');
if (!root) throw new Error('The page has no #root element.');
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const initialUser = new URLSearchParams(window.location.search).get('user') ?? undefined;
createRoot(root).render(
  <OutlookApp graph={new SandboxGraph(window.location.origin, zone)} initialUser={initialUser} />,
);
