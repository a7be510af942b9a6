import { describe, expect, it } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { mockIPC } from "@tauri-apps/api/mocks";
import type { SearchHit } from "../bindings";
import { NotesSearch } from "./NotesSearch";

function hit(n: number): SearchHit {
  return { noteId: n, releaseId: 1, version: "10.0.4", area: "Platform", kind: "fix", titleHtml: `Note ${n}`, snippetHtml: "a <mark>webhook</mark>" };
}

describe("NotesSearch", () => {
  it("says how many match in all and pages on to the older ones", async () => {
    const asked: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd !== "search_notes") return;
      asked.push(args);
      const offset = (args as { offset: number }).offset;
      const hits = Array.from({ length: offset === 0 ? 50 : 14 }, (_, i) => hit(offset + i + 1));
      return { hits, total: 64, offset };
    });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={client}>
        <NotesSearch accountId={1} onOpen={() => undefined} />
      </QueryClientProvider>,
    );
    const user = userEvent.setup();
    await user.type(screen.getByTestId("search-text"), '"Power BI"');
    await user.click(screen.getByTestId("search"));
    expect(await screen.findByTestId("hit-count")).toHaveTextContent("64 items match “\"Power BI\"”; showing 1–50");
    await user.click(screen.getByTestId("search-older"));
    await waitFor(() => expect(screen.getByTestId("hit-count")).toHaveTextContent("showing 51–64"));
    expect(screen.getAllByTestId("hit")).toHaveLength(14);
    expect(screen.getByTestId("search-older")).toBeDisabled();
    expect(asked).toEqual([
      { accountId: 1, text: '"Power BI"', offset: 0 },
      { accountId: 1, text: '"Power BI"', offset: 50 },
    ]);
  });
});
