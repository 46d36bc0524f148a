import { HubClient } from '@smart-ai-hub/sdk';
import { createRoot } from 'react-dom/client';
import { App } from './app/app.js';
import { consoleBase } from './app/console-base.js';

const client = new HubClient({ baseURL: consoleBase().apiBaseURL });
createRoot(document.getElementById('root')!).render(<App client={client} />);
