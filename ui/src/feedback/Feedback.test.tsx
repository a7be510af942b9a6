import { act, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FeedbackProvider, useNotify } from "./Feedback";

function Poster({ text, sticky }: { text: string; sticky?: boolean }) {
  const notify = useNotify();
  return (
    <button type="button" onClick={() => notify(text, { sticky })}>
      post
    </button>
  );
}

describe("the notification area", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("lets a routine message go after 10 s and keeps one that matters", () => {
    render(
      <FeedbackProvider>
        <Poster text="Backup taken." />
        <Poster text="Restored." sticky />
      </FeedbackProvider>,
    );
    const [routine, matters] = screen.getAllByRole("button", { name: "post" });
    act(() => (routine.click(), matters.click()));
    expect(screen.getAllByTestId("notice").map((n) => n.textContent)).toEqual(["Restored.×", "Backup taken.×"]);
    act(() => vi.advanceTimersByTime(10_001));
    expect(screen.getAllByTestId("notice").map((n) => n.textContent)).toEqual(["Restored.×"]);
  });
});
