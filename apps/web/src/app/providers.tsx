import { createTheme, DirectionProvider, MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError, setUnauthenticatedHandler } from '../api/client';
import { removePrivateQueries, sessionKeys } from '../features/auth/hooks/use-session';
import i18n, { directionOf } from '../i18n';

const theme = createTheme({
  primaryColor: 'indigo',
  fontFamily: 'system-ui, "Noto Sans", "Noto Sans Arabic", "Segoe UI", Roboto, sans-serif',
});

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // A 4xx answer will not change by asking again.
      retry: (count, error) =>
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});

// Any call that finds the session gone (expired, signed out elsewhere, account deactivated) leaves
// nobody signed in here too; the app then shows the sign-in page and comes back after.
setUnauthenticatedHandler(() => {
  removePrivateQueries(queryClient);
  queryClient.setQueryData(sessionKeys.session, null);
});

export function Providers({ children }: { children: ReactNode }) {
  return (
    <DirectionProvider initialDirection={directionOf(i18n.language)} detectDirection={false}>
      <MantineProvider theme={theme}>
        <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
      </MantineProvider>
    </DirectionProvider>
  );
}
