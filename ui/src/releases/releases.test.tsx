import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { NoteBody } from "./NoteBody";
import { compare } from "./WhatChanges";

describe("release notes", () => {
  it("orders versions by their numbers", () => {
    expect(["10.0.10", "10.0.9", "8.1.3", "10.0"].sort(compare)).toEqual(["8.1.3", "10.0", "10.0.9", "10.0.10"]);
  });

  it("shows where a link goes instead of following it", async () => {
    render(
      <QueryClientProvider client={new QueryClient()}>
        <NoteBody html={'<p>See <a href="https://vendor.example/guide" rel="noopener">the guide</a>.</p>'} />
      </QueryClientProvider>,
    );
    // jsdom never navigates, so look at what a browser would do: the
    // click's default action (following the link) must be prevented.
    let prevented: boolean | null = null;
    const seen = (e: MouseEvent) => (prevented = e.defaultPrevented);
    document.addEventListener("click", seen);
    await userEvent.click(screen.getByText("the guide"));
    document.removeEventListener("click", seen);
    expect(prevented).toBe(true);
    expect(screen.getByTestId("link-not-followed").textContent).toContain("https://vendor.example/guide");
  });
});
