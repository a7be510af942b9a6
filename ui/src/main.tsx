import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { App } from "./App";
import { FeedbackProvider } from "./feedback/Feedback";
import "./styles.css";
import { applyTheme, storedTheme } from "./theme/ThemeButton";

// Before the first paint, so a dark desktop never flashes light.
applyTheme(storedTheme());

const queryClient = new QueryClient({
  defaultOptions: {
    // Local IPC: a failure is real, not a flaky network; show it at once.
    queries: { retry: false, refetchOnWindowFocus: true, staleTime: 5_000 },
    mutations: { retry: false },
  },
});

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <FeedbackProvider>
          <App />
        </FeedbackProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}
