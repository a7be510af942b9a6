import { describe, expect, it } from "vitest";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { mockIPC } from "@tauri-apps/api/mocks";
import type { ChangeEntry, ChangelogPage, ChangelogQuery } from "../bindings";
import { ChangelogPanel } from "./ChangelogPanel";
import { demoOverview } from "../test/fixtures";

const account = demoOverview()[0].account;
const env = demoOverview()[0].environments[2].environment;

function entry(seq: number, author: string, name: string): ChangeEntry {
  return {
    seq,
    at: "2026-10-25T00:30:00Z",
    author,
    entityKind: "field",
    entityId: 40 + seq,
    entityName: name,
    action: "rename",
    unpromoted: true,
    diff: [{ property: "name", before: "Phone", after: name }],
  };
}

function renderPanel(answer: (q: ChangelogQuery) => ChangelogPage) {
  const asked: ChangelogQuery[] = [];
  mockIPC((cmd, args) => {
    if (cmd === "changelog") {
      const q = (args as { query: ChangelogQuery }).query;
      asked.push(q);
      return answer(q);
    }
    if (cmd === "environment_definitions") return { apps: [], tables: [], views: [] };
  });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ChangelogPanel env={env} account={account} />
    </QueryClientProvider>,
  );
  return asked;
}

describe("ChangelogPanel", () => {
  it("warns about other authors and shows the selected entry's diff", async () => {
    renderPanel(() => ({
      entries: [entry(2, "Priya Shah", "Mobile"), entry(1, "Alex Morgan", "Cell")],
      total: 2,
      totalEstimated: false,
      authors: ["Alex Morgan", "Priya Shah"],
      otherAuthors: [{ author: "Priya Shah", entries: 1 }],
    }));
    expect(await screen.findByTestId("other-authors")).toHaveTextContent("Priya Shah (1 change)");
    const diff = screen.getByTestId("diff");
    expect(within(diff).getByText("Mobile")).toBeInTheDocument();
    expect(within(diff).getByText("Phone")).toBeInTheDocument();
    await userEvent.click(screen.getAllByTestId("changelog-entry")[1]);
    expect(within(screen.getByTestId("diff")).getByText("Cell")).toBeInTheDocument();
    // Times are shown in the account's zone: 00:30 UTC on 25 Oct is 01:30 BST.
    expect(screen.getAllByTestId("changelog-entry")[0]).toHaveTextContent("25 Oct 2026, 01:30 BST");
  });

  it("sends the chosen filters and starts again from the first page", async () => {
    const asked = renderPanel((q) => ({
      entries: q.author ? [entry(1, "Alex Morgan", "Cell")] : [entry(2, "Priya Shah", "Mobile"), entry(1, "Alex Morgan", "Cell")],
      total: q.author ? 1 : 2,
      totalEstimated: false,
      authors: ["Alex Morgan", "Priya Shah"],
      otherAuthors: [],
    }));
    await screen.findAllByTestId("changelog-entry");
    expect(screen.queryByTestId("other-authors")).not.toBeInTheDocument();
    await userEvent.selectOptions(screen.getByTestId("filter-author"), "Alex Morgan");
    await userEvent.selectOptions(screen.getByTestId("filter-kind"), "field");
    expect(await screen.findByTestId("changelog-total")).toHaveTextContent("1–1 of 1");
    const last = asked[asked.length - 1];
    expect(last).toMatchObject({ author: "Alex Morgan", entityKind: "field", offset: 0, limit: 50 });
  });

  it("labels a server's estimated total and pages until a page comes back short", async () => {
    const full = Array.from({ length: 50 }, (_, i) => entry(9000 - i, "Alex Morgan", `Name ${i}`));
    const asked = renderPanel((q) => ({
      entries: q.offset === 0 ? full : [entry(1, "Alex Morgan", "Cell")],
      total: 98_000,
      totalEstimated: true,
      authors: ["Alex Morgan"],
      otherAuthors: [],
    }));
    expect(await screen.findByTestId("changelog-total")).toHaveTextContent("1–50 of about 98,000");
    await userEvent.click(screen.getByText("Older"));
    expect(await screen.findByTestId("changelog-total")).toHaveTextContent("51–51 of about 98,000");
    expect(screen.getByText("Older")).toBeDisabled();
    expect(asked[asked.length - 1]).toMatchObject({ offset: 50 });
  });
});
