import { describe, expect, it } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { mockIPC } from "@tauri-apps/api/mocks";
import { FeedbackProvider } from "../feedback/Feedback";
import { StartAtLoginOffer, StartAtLoginSetting } from "./StartAtLogin";

function renderWith(node: React.ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <FeedbackProvider>{node}</FeedbackProvider>
    </QueryClientProvider>,
  );
}

describe("Start at login", () => {
  it("is offered once a reminder is pending; Not now answers it without turning it on", async () => {
    const calls: string[] = [];
    let answered = false;
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === "start_at_login") return { enabled: false, offerDue: !answered };
      if (cmd === "decline_start_at_login") return (answered = true), { enabled: false, offerDue: false };
    });
    const user = userEvent.setup();
    renderWith(<StartAtLoginOffer />);
    await user.click(await screen.findByTestId("start-at-login-decline"));
    await waitFor(() => expect(screen.queryByTestId("start-at-login-offer")).toBeNull());
    expect(calls).not.toContain("set_start_at_login");
  });

  it("shows the desktop's refusal at the setting and leaves the box as it was", async () => {
    mockIPC((cmd) => {
      if (cmd === "start_at_login") return { enabled: false, offerDue: false };
      if (cmd === "set_start_at_login") throw { kind: "internal", message: "Cutover could not read or change its start-at-login entry (permission denied)." };
    });
    const user = userEvent.setup();
    renderWith(<StartAtLoginSetting />);
    const box = await screen.findByTestId("start-at-login");
    await waitFor(() => expect(box).toBeEnabled());
    await user.click(box);
    expect(await screen.findByText(/permission denied/)).toBeInTheDocument();
    expect(box).not.toBeChecked();
  });
});
