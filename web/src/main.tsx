import { ApolloProvider } from '@apollo/client/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { client } from './api.js';
import { App } from './App.js';
import { I18nProvider } from './i18n/index.js';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <ApolloProvider client={client}>
        <App />
      </ApolloProvider>
    </I18nProvider>
  </StrictMode>,
);
