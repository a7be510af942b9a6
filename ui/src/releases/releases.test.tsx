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
    render(<NoteBody html={'<p>See <a href="https://vendor.example/guide" rel="noopener">the guide</a>.</p>'} />);
    const before = window.location.href;
    await userEvent.click(screen.getByText("the guide"));
    expect(window.location.href).toBe(before);
    expect(screen.getByTestId("link-not-followed").textContent).toContain("https://vendor.example/guide");
  });
});
