import { useId, type ButtonHTMLAttributes } from "react";
import { useQuery } from "@tanstack/react-query";
import type { AccountAction, EnvironmentAction } from "../bindings";
import { api } from "../api";

// What the acting admin may do, asked of the backend once (its rules, not
// copies of them here); a refusal is the message the operation would give.
export function useAllowed() {
  const allowed = useQuery({ queryKey: ["allowed"], queryFn: api.allowedActions });
  const data = allowed.data;
  return {
    environment: (id: number, action: EnvironmentAction): string | null =>
      data?.environments.find((e) => e.environmentId === id)?.actions.find((a) => a.action === action)?.refusal ?? null,
    account: (id: number, action: AccountAction): string | null =>
      data?.accounts.find((a) => a.accountId === id)?.actions.find((a) => a.action === action)?.refusal ?? null,
  };
}

type Props = ButtonHTMLAttributes<HTMLButtonElement> & { refusal: string | null };

// A button that is off when the action would be refused, saying why on
// hover (title) and to screen readers (described by the reason).
export function GuardedButton({ refusal, disabled, title, children, ...rest }: Props) {
  const id = useId();
  return (
    <>
      <button {...rest} disabled={disabled || refusal !== null} title={refusal ?? title} aria-describedby={refusal ? id : undefined} data-refused={refusal ? "true" : undefined}>
        {children}
      </button>
      {refusal && (
        <span id={id} className="sr-only">
          {refusal}
        </span>
      )}
    </>
  );
}
