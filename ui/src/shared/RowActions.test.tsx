import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { RowActions } from "./RowActions";

describe("RowActions", () => {
  it("opens its menu, closes on Escape, and closes after an action runs", async () => {
    const user = userEvent.setup();
    const onBackups = vi.fn();
    render(
      <RowActions label="Production">
        <button type="button" onClick={onBackups}>
          Backups
        </button>
      </RowActions>,
    );
    const toggle = screen.getByRole("button", { name: /^Actions for Production/ });
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    await user.keyboard("{Escape}");
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    await user.click(toggle);
    await user.click(screen.getByRole("button", { name: "Backups" }));
    expect(onBackups).toHaveBeenCalledOnce();
    expect(toggle).toHaveAttribute("aria-expanded", "false");
  });
});
